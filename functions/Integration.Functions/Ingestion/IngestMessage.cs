namespace Integration.Functions.Ingestion;

/// <summary>The queue message of an accepted request: a reference to its payload in the raw archive (claim check).</summary>
public sealed record IngestMessage(string PartnerId, string RequestId, string Blob);
