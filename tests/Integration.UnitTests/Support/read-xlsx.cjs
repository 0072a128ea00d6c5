// A second, independent reader of the hub's XLSX files (exceljs, from the repo's npm lock): prints each sheet's name
// and its cells as [address, type, value] so that a test can compare them with what the hub meant to write.
const ExcelJS = require('exceljs');

(async () => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(process.argv[2]);
  const sheets = [];
  workbook.eachSheet((sheet) => {
    const cells = [];
    sheet.eachRow((row) => row.eachCell((cell) => cells.push([cell.address, typeof cell.value, cell.value])));
    sheets.push({ name: sheet.name, cells });
  });
  process.stdout.write(JSON.stringify(sheets));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
