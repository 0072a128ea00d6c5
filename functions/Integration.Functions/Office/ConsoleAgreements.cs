using Integration.Domain.Monitoring;

namespace Integration.Functions.Office;

/// <summary>Agreements' progress as of an instant (the agreements page, <see cref="Pages.AgreementsPage"/>), each with the unit whose figures it is (an alliance's for its members).</summary>
public sealed record AgreementRows(DateTimeOffset AsOf, IReadOnlyList<AgreementRow> Rows);

public sealed record AgreementRow(string Unit, AgreementProgress Progress);
