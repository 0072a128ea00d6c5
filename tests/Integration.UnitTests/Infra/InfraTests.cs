using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Functions.Hosting;
using Integration.Storage;

namespace Integration.UnitTests.Infra;

/// <summary>
/// infra/ builds and lints with the bicep CLI (any warning fails), each environment's parameters build, the compiled
/// template is secure by default, and what it provisions and configures is what the code uses.
/// </summary>
public sealed class InfraTests
{
    private static readonly string Infra = Path.Combine(Repo.Root, "infra");

    public static TheoryData<string> Templates() =>
        [.. Directory.GetFiles(Infra, "*.bicep", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Infra, f)).Order()];

    public static TheoryData<string> Environments() =>
        [.. Directory.GetDirectories(Path.Combine(Infra, "env")).Select(d => Path.GetFileName(d)!).Order()];

    private static readonly Lazy<JsonObject> Template = new(() =>
    {
        var build = Bicep.Run("build", "main.bicep", "--stdout");
        Assert.True(build.ExitCode == 0, build.Diagnostics);
        return JsonNode.Parse(build.Output)!.AsObject();
    });

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_BuildsAndLints_WithoutAWarning(string file)
    {
        foreach (var args in new[] { new[] { "lint", file }, ["build", file, "--stdout"] })
        {
            var result = Bicep.Run(args);
            Assert.True(result.ExitCode == 0 && result.Diagnostics.Length == 0, $"bicep {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Diagnostics}");
        }
    }

    [Fact]
    public void LinterRules_AreOn()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Infra, "bicepconfig.json")))!["analyzers"]!["core"]!;
        Assert.True(config["enabled"]!.GetValue<bool>());
        var levels = config["rules"]!.AsObject().Select(r => r.Value!["level"]!.GetValue<string>()).ToList();
        Assert.True(levels.Count >= 30);
        Assert.All(levels, level => Assert.Contains(level, new[] { "warning", "error" }));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void EnvironmentParameters_Build_ForTheirEnvironment(string environment)
    {
        var result = Bicep.Run("build-params", Path.Combine("env", environment, "main.bicepparam"), "--stdout");
        Assert.True(result.ExitCode == 0 && result.Diagnostics.Length == 0, result.Diagnostics);
        var parameters = JsonNode.Parse(JsonNode.Parse(result.Output)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        Assert.Equal(environment, parameters["environmentName"]!["value"]!.GetValue<string>());
        Assert.NotEmpty(parameters["operatorEmails"]!["value"]!.AsArray());
    }

    [Fact]
    public void Storage_IsReachedWithIdentityOnly_OverTls12_WithSoftDelete()
    {
        var account = Single("Microsoft.Storage/storageAccounts")["properties"]!;
        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.True(account["supportsHttpsTrafficOnly"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]!.GetValue<string>());
        var blobs = Single("Microsoft.Storage/storageAccounts/blobServices")["properties"]!;
        Assert.True(blobs["deleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        Assert.True(blobs["containerDeleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        // No key is ever read out of the account.
        Assert.DoesNotContain("listKeys", Template.Value.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void FunctionApp_RunsTheCustomHandler_OnFlexConsumption_WithItsOwnIdentity()
    {
        Assert.Equal("FC1", Single("Microsoft.Web/serverfarms")["sku"]!["name"]!.GetValue<string>());
        var site = Single("Microsoft.Web/sites");
        Assert.Equal("SystemAssigned", site["identity"]!["type"]!.GetValue<string>());
        var properties = site["properties"]!;
        Assert.True(properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("1.2", properties["siteConfig"]!["minTlsVersion"]!.GetValue<string>());
        Assert.Equal("custom", properties["functionAppConfig"]!["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("SystemAssignedIdentity", properties["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
        Assert.All(Resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies"), p => Assert.False(p["properties"]!["allow"]!.GetValue<bool>()));
    }

    [Fact]
    public void FunctionApp_TrustsTheForwardedHeaders_OfTheFunctionsHostOnly()
    {
        // The app settings are compiled into a loop over an object: the setting is looked for in the app's module.
        var site = Single("Microsoft.Web/sites");
        var module = All(Template.Value).Single(r => r["properties"]?["template"] is { } t && All(t).Contains(site))["properties"]!["template"]!.ToJsonString();
        var name = Integration.Functions.Hosting.ProxySettings.Section.Replace(":", "__", StringComparison.Ordinal) + "__" + nameof(Integration.Functions.Hosting.ProxySettings.KnownProxies);
        Assert.Contains($"\"{name}\":\"127.0.0.1,::1\"", module, StringComparison.Ordinal);
        var proxies = new Integration.Functions.Hosting.ProxySettings { KnownProxies = "127.0.0.1,::1" };
        Assert.Empty(proxies.Problems());
        Assert.Equal([System.Net.IPAddress.Loopback, System.Net.IPAddress.IPv6Loopback], proxies.Proxies());
    }

    [Fact]
    public void EventGrid_KeyVault_AndInsights_TakeNoKeys()
    {
        var topic = Single("Microsoft.EventGrid/topics")["properties"]!;
        Assert.Equal("CloudEventSchemaV1_0", topic["inputSchema"]!.GetValue<string>());
        Assert.True(topic["disableLocalAuth"]!.GetValue<bool>());
        var vault = Single("Microsoft.KeyVault/vaults")["properties"]!;
        Assert.True(vault["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(vault["enableSoftDelete"]!.GetValue<bool>());
        Assert.True(Single("Microsoft.Insights/components")["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void Operators_AreMailed_WhenAPoisonQueueOrTheDeadLetterStoreIsNotEmpty()
    {
        Single("Microsoft.Insights/actionGroups");
        var rule = Single("Microsoft.Insights/scheduledQueryRules");
        Assert.Contains("actionGroups", rule["properties"]!["actions"]!.ToJsonString());
        Assert.Contains("customMetrics", rule["properties"]!["criteria"]!.ToJsonString());
        // The gauges it watches are the module's (compiled into an expression, so looked for in the module).
        var module = All(Template.Value).Single(r => r["properties"]?["template"] is { } t && All(t).Contains(rule))["properties"]!["template"]!.ToJsonString();
        Assert.Contains("hub.queue.poison", module);
        Assert.Contains("hub.alerts.deadletter", module);

        // hub.queue.poison is a gauge the hub does report (hub.alerts.deadletter comes with alert delivery).
        var published = new List<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener { InstrumentPublished = (i, _) => { if (i.Meter.Name == Integration.Functions.Telemetry.HubMetrics.MeterName) published.Add(i.Name); } };
        listener.Start();
        using var metrics = new Integration.Functions.Telemetry.HubMetrics();
        Assert.Contains("hub.queue.poison", published);
    }

    [Fact]
    public void RoleAssignments_AreLeastPrivilege()
    {
        var text = string.Join("\n", Resources("Microsoft.Authorization/roleAssignments").Select(r => r["properties"]!["roleDefinitionId"]!.ToJsonString()));
        var template = Template.Value.ToJsonString();
        string[] granted =
        [
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner (the Functions host's leases and package)
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
            "d5a91429-5739-47e2-a06b-3470a27159e7", // EventGrid Data Sender
            "4633458b-17de-408a-b874-0445c86b69e6", // Key Vault Secrets User
            "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher
        ];
        Assert.All(granted, role => Assert.Contains(role, template));
        Assert.NotEmpty(text);
        foreach (var broad in new[] { "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" /* Owner */, "b24988ac-6180-42a0-ab88-20f7382dd24c" /* Contributor */, "17d1049b-9a84-46fb-8f53-869881c3d3ab" /* Storage Account Contributor */ })
            Assert.DoesNotContain(broad, template);
    }

    [Fact]
    public void HubLayout_ProvisionsWhatTheCodeUses()
    {
        var layout = JsonNode.Parse(File.ReadAllText(Path.Combine(Infra, "hub-layout.json")))!;
        var storage = new HubStorage(new StorageOptions());
        Assert.Equal(storage.AllTables.Select(t => t.Name).Order(), Strings(layout["tables"]).Order());
        Assert.Equal(storage.AllContainers.Select(c => c.Name).Order(), Strings(layout["containers"]).Order());

        // Every %setting% a function.json refers to is configured in Azure, to the value the hub ships with locally.
        var settings = layout["settings"]!.AsObject().ToDictionary(s => s.Key, s => s.Value!.GetValue<string>());
        var referenced = Directory.GetFiles(Repo.HubDirectory, "function.json", SearchOption.AllDirectories)
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), "%([^%]+)%").Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.NotEmpty(referenced);
        foreach (var name in referenced)
        {
            Assert.True(settings.TryGetValue(name.Replace(":", "__"), out var value), $"{name} is not configured in infra/hub-layout.json.");
            Assert.Equal(Repo.HubSetting(name), value);
        }

        // Every storage connection a trigger names is set up in Azure (identity-based, <name>__accountName).
        var connections = Directory.GetFiles(Repo.HubDirectory, "function.json", SearchOption.AllDirectories)
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["bindings"]!.AsArray())
            .Select(b => b!["connection"]?.GetValue<string>()).OfType<string>().Distinct().Order();
        Assert.Equal(connections, Strings(layout["connections"]).Order());
        Assert.Contains("__accountName", File.ReadAllText(Path.Combine(Infra, "modules", "functionapp.bicep")));

        // The queues provisioned are the queues the functions listen on.
        var catalog = FunctionCatalog.Load(Repo.HubDirectory, n => settings.GetValueOrDefault(n.Replace(":", "__")));
        Assert.Equal(catalog.Functions.Where(f => f.QueueName is not null).Select(f => f.QueueName!).Distinct().Order(), Strings(layout["queues"]).Order());
    }

    private static IEnumerable<string> Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>());

    private static JsonNode Single(string type)
    {
        var found = Resources(type).ToList();
        Assert.True(found.Count == 1, $"{found.Count} resources of type {type}.");
        return found[0];
    }

    /// <summary>Resources of a type anywhere in the compiled template, the modules' nested templates included.</summary>
    private static IEnumerable<JsonNode> Resources(string type) => All(Template.Value).Where(r => r["type"]?.GetValue<string>() == type);

    private static IEnumerable<JsonNode> All(JsonNode template)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!),
            JsonObject symbolic => symbolic.Select(r => r.Value!),
            _ => [],
        };
        foreach (var resource in resources)
        {
            yield return resource;
            if (resource["type"]?.GetValue<string>() == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is { } nested)
                foreach (var inner in All(nested)) yield return inner;
        }
    }
}
