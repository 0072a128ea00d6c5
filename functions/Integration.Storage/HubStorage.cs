using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Integration.Domain.Feeds;

namespace Integration.Storage;

/// <summary>
/// The hub's storage account: its table, queue and blob clients and the names of what the hub keeps there.
/// Everything else in the hub reaches storage through the stores built on this class.
/// </summary>
public sealed class HubStorage
{
    /// <param name="credential">
    /// The hub's one Azure credential (registered once in the host), for an account reached by its name; not needed with
    /// a connection string.
    /// </param>
    public HubStorage(StorageOptions options, TokenCredential? credential = null)
    {
        Options = options;
        if (options.MaxConnections < 1) throw new InvalidOperationException("Hub:Storage:MaxConnections is at least 1.");
        transport = new HttpClientTransport(new SocketsHttpHandler { MaxConnectionsPerServer = options.MaxConnections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        var tableOptions = RequestCounter.Counted(new TableClientOptions { Transport = transport }, out tableRequests);
        var queueOptions = RequestCounter.Counted(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None, Transport = transport }, out queueRequests);
        var blobOptions = RequestCounter.Counted(new BlobClientOptions { Transport = transport }, out blobRequests);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            Tables = new TableServiceClient(options.ConnectionString, tableOptions);
            Queues = new QueueServiceClient(options.ConnectionString, queueOptions);
            Blobs = new BlobServiceClient(options.ConnectionString, blobOptions);
        }
        else if (!string.IsNullOrWhiteSpace(options.AccountName))
        {
            Credential = credential ?? throw new InvalidOperationException("Hub:Storage:AccountName needs the hub's Azure credential.");
            Tables = new TableServiceClient(new Uri($"https://{options.AccountName}.table.{options.EndpointSuffix}"), credential, tableOptions);
            Queues = new QueueServiceClient(new Uri($"https://{options.AccountName}.queue.{options.EndpointSuffix}"), credential, queueOptions);
            Blobs = new BlobServiceClient(new Uri($"https://{options.AccountName}.blob.{options.EndpointSuffix}"), credential, blobOptions);
        }
        else
        {
            throw new InvalidOperationException("Set Hub:Storage:ConnectionString, or Hub:Storage:AccountName to use a managed identity.");
        }
        if (options.Prefix.Any(c => !char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c)) || (options.Prefix.Length > 0 && !char.IsAsciiLetterLower(options.Prefix[0])))
            throw new InvalidOperationException("Hub:Storage:Prefix holds lower-case letters and digits and starts with a letter.");

        Partners = Table("partners");
        Master = Table("master");
        Agreements = Table("agreements");
        Requests = Table("requests");
        Feeds = new Dictionary<FeedKind, TableClient>
        {
            [FeedKind.DemandReports] = Table("demandreports"),
            [FeedKind.Orders] = Table("orders"),
            [FeedKind.Deliveries] = Table("deliveries"),
            [FeedKind.Receipts] = Table("receipts"),
            [FeedKind.Payments] = Table("payments"),
            [FeedKind.Settlements] = Table("settlements"),
        };
        Alerts = Table("alerts");
        Subscriptions = Table("subscriptions");
        AlertDeliveries = Table("alertdeliveries");
        AlertEvents = Table("alertevents");
        AlertDigests = Table("alertdigests");
        Complaints = Table("complaints");
        ComplaintFacts = Table("complaintfacts");
        Orchestrations = Table("orchestrations");
        Cases = Table("cases");
        Monitoring = Table("monitoring");
        TraceCodes = Table("tracecodes");
        Assessments = Table("assessments");
        Calendar = Table("calendar");
        Users = Table("users");
        RequestBindings = Table("requestbindings");
        AssignedLines = Table("assignedlines");
        Raw = Blobs.GetBlobContainerClient(options.Prefix + "raw");
        State = Blobs.GetBlobContainerClient(options.Prefix + "state");
        Reports = Blobs.GetBlobContainerClient(options.Prefix + "reports");
    }

    public StorageOptions Options { get; }

    /// <summary>The credential the account is reached with by its name (null with a connection string): the Durable Task engine's clients use it too.</summary>
    public TokenCredential? Credential { get; }

    private readonly RequestCounter tableRequests, queueRequests, blobRequests;
    private readonly Azure.Core.Pipeline.HttpPipelineTransport transport;

    /// <summary>The requests this instance sent to storage so far, per service.</summary>
    public StorageRequestCounts RequestCounts => new(tableRequests.Count, queueRequests.Count, blobRequests.Count);

    /// <summary>
    /// Options for another client of this account (the Durable Task provider's) that count its requests with this hub's
    /// (<see cref="RequestCounts"/>) and share its connection limit.
    /// </summary>
    public T Counted<T>(T options) where T : Azure.Core.ClientOptions
    {
        options.Transport = transport;
        options.AddPolicy(options switch
        {
            TableClientOptions => tableRequests,
            QueueClientOptions => queueRequests,
            BlobClientOptions => blobRequests,
            _ => throw new ArgumentException($"No counter for {typeof(T).Name}."),
        }, Azure.Core.HttpPipelinePosition.PerRetry);
        return options;
    }
    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }
    public BlobServiceClient Blobs { get; }

    public TableClient Partners { get; }
    public TableClient Master { get; }
    public TableClient Agreements { get; }

    /// <summary>Every write request taken, by partner and request id: idempotency and processing status.</summary>
    public TableClient Requests { get; }

    /// <summary>Feed items, a table per feed, one partition per institution.</summary>
    public IReadOnlyDictionary<FeedKind, TableClient> Feeds { get; }
    public TableClient Alerts { get; }

    /// <summary>Partners' webhook endpoints for alerts.</summary>
    public TableClient Subscriptions { get; }

    /// <summary>Each alert event's delivery to each subscriber (in batches): status, attempts, dead letters.</summary>
    public TableClient AlertDeliveries { get; }

    /// <summary>The body of each alert event sent to subscribers, once per event.</summary>
    public TableClient AlertEvents { get; }

    /// <summary>Events of alerts that are not serious, waiting for their subscriber's daily digest.</summary>
    public TableClient AlertDigests { get; }

    /// <summary>Complaint instances: a partition per complaint (state, event markers, outbox).</summary>
    public TableClient Complaints { get; }

    /// <summary>Per supplier and quarter, each complaint's in-time flags (R7 figures).</summary>
    public TableClient ComplaintFacts { get; }

    /// <summary>The index of open orchestration instances and when each needs looking at.</summary>
    public TableClient Orchestrations { get; }

    /// <summary>Supervision cases (R27): a partition per case with its record.</summary>
    public TableClient Cases { get; }

    /// <summary>Institutions whose aggregates changed since their alerts were last evaluated, by quarter.</summary>
    public TableClient Monitoring { get; }

    /// <summary>Every traceability code delivered, with the delivery that brought it first (R19, R23).</summary>
    public TableClient TraceCodes { get; }

    /// <summary>Quarterly assessments: a partition per quarter (state, result rows of each run).</summary>
    public TableClient Assessments { get; }

    /// <summary>The working-day arrangements loaded at run time, a partition per year with every version kept.</summary>
    public TableClient Calendar { get; }

    /// <summary>The console's accounts (people at the offices, hospitals and suppliers).</summary>
    public TableClient Users { get; }

    /// <summary>Which request each signed webhook-id was used for, while its timestamp is current.</summary>
    public TableClient RequestBindings { get; }

    /// <summary>An index of the order lines by the distributor assigned to deliver them (see <see cref="AssignedLineStore"/>).</summary>
    public TableClient AssignedLines { get; }

    /// <summary>Every inbound payload as received.</summary>
    public BlobContainerClient Raw { get; }

    /// <summary>Timer schedule status and the leases that make one instance fire a timer.</summary>
    public BlobContainerClient State { get; }

    /// <summary>The report artifacts of the assessments (JSON, CSV, XLSX, HTML).</summary>
    public BlobContainerClient Reports { get; }

    /// <summary>Every table the hub keeps (infra/hub-layout.json provisions the same list in Azure).</summary>
    public IEnumerable<TableClient> AllTables => new[] { Partners, Master, Agreements, Requests, Alerts, Subscriptions, AlertDeliveries, AlertEvents, AlertDigests, Complaints, ComplaintFacts, Orchestrations, Cases, Monitoring, TraceCodes, Assessments, Calendar, Users, RequestBindings, AssignedLines }.Concat(Feeds.Values);

    /// <summary>Every blob container the hub keeps.</summary>
    public IEnumerable<BlobContainerClient> AllContainers => [Raw, State, Reports];

    public QueueClient Queue(string name) => Queues.GetQueueClient(name);

    public static string PoisonQueueName(string queue) => queue + "-poison";

    private TableClient Table(string name) => Tables.GetTableClient(Options.Prefix + name);

    /// <summary>Creates what does not exist yet (tables, containers, the given queues and their poison queues).</summary>
    public async Task EnsureCreatedAsync(IEnumerable<string> queues, CancellationToken cancellationToken)
    {
        var work = new List<Task>();
        foreach (var table in AllTables)
            work.Add(table.CreateIfNotExistsAsync(cancellationToken));
        foreach (var container in AllContainers)
            work.Add(container.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        foreach (var queue in queues)
        {
            work.Add(Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
            work.Add(Queue(PoisonQueueName(queue)).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        }
        await Task.WhenAll(work);
    }

    /// <summary>True when the account answers (readiness).</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Requests.GetEntityIfExistsAsync<TableEntity>("ready", "probe", cancellationToken: cancellationToken);
            return true;
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
