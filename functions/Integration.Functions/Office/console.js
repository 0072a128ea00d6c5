// Draws the console's charts from their data-chart attributes (ECharts, served by the hub from the npm lock), and
// reloads a page that follows something moving (data-refresh, seconds) until its person stops it.
var refresh = document.querySelector('[data-refresh]');
if (refresh) {
  var timer = setTimeout(function () { location.reload(); }, 1000 * Number(refresh.getAttribute('data-refresh')));
  var stop = refresh.querySelector('[data-stop-refresh]');
  stop.addEventListener('click', function () { clearTimeout(timer); stop.disabled = true; stop.textContent = '已停止自动刷新'; });
}
document.querySelectorAll('[data-chart]').forEach(function (el) {
  var spec = JSON.parse(el.getAttribute('data-chart'));
  var chart = echarts.init(el, null, { renderer: 'svg' });
  chart.setOption({
    title: { text: spec.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { right: 0, top: 0 },
    grid: { top: 64, left: 48, right: 16, bottom: 32 },
    xAxis: { type: 'category', data: spec.categories },
    yAxis: { type: 'value', minInterval: spec.kind === 'line' ? 0 : 1 },
    color: spec.kind === 'line' ? ['#0b5cad', '#116329'] : ['#a40e26', '#d9480f', '#e8a400', '#0b5cad'],
    // Counts stack as bars; amounts over time are lines.
    series: spec.series.map(function (s) { return spec.kind === 'line' ? { name: s.name, type: 'line', data: s.data } : { name: s.name, type: 'bar', stack: 'all', data: s.data }; })
  });
  window.addEventListener('resize', function () { chart.resize(); });
});
