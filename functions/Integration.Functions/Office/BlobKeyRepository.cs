using System.Xml.Linq;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Integration.Functions.Office;

/// <summary>
/// The keys that protect the console's cookies and antiforgery tokens, kept in the hub's storage account (container
/// <c>state</c>, <c>dataprotection/</c>) so that every instance reads the sessions of the others and a restart signs
/// nobody out. The account is private to the hub (managed identity, no keys) in Azure.
/// </summary>
public sealed class BlobKeyRepository(BlobContainerClient container) : IXmlRepository
{
    private const string Prefix = "dataprotection/";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var list = new List<XElement>();
        foreach (var blob in container.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, Prefix, CancellationToken.None))
        {
            using var stream = container.GetBlobClient(blob.Name).OpenRead();
            list.Add(XElement.Load(stream));
        }
        return list;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var stream = new MemoryStream();
        element.Save(stream);
        stream.Position = 0;
        container.GetBlobClient($"{Prefix}{friendlyName}.xml").Upload(stream, overwrite: false);
    }
}
