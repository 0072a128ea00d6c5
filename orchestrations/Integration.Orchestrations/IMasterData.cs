using Integration.Domain.Master;

namespace Integration.Orchestrations;

/// <summary>The master data this instance holds now (the hub reloads it when another instance changes it).</summary>
public interface IMasterData
{
    MasterData Master { get; }
}
