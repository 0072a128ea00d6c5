using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Azure.Monitor.OpenTelemetry.Exporter;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Calendar;
using Integration.Domain.Feeds;
using Integration.Domain.Monitoring;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Functions.Monitoring;
using Integration.Functions.Office;
using Integration.Functions.Telemetry;
using Integration.Orchestrations;
using Integration.Orchestrations.Complaints;
using Integration.Orchestrations.Monitoring;
using Integration.Storage;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Integration.Functions;

/// <summary>How the hub is put together: its options, stores, functions, telemetry and HTTP pipeline.</summary>
public static class HubServices
{
    /// <summary>Set by the Functions host: the port the custom handler must listen on (127.0.0.1).</summary>
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static bool UnderFunctionsHost => Environment.GetEnvironmentVariable(CustomHandlerPortVariable) is { Length: > 0 };

    public static WebApplicationBuilder AddHub(this WebApplicationBuilder builder)
    {
        if (Environment.GetEnvironmentVariable(CustomHandlerPortVariable) is { Length: > 0 } port)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Configuration["Hub:Processing:RunTriggers"] = "false";
        }
        var services = builder.Services;
        var config = builder.Configuration;
        // The hub's one Azure credential (the managed identity in Azure, the developer's sign-in locally), made once: storage,
        // the Durable Task engine, Event Grid and Azure Monitor use it. It signs in only when a client asks for a token.
        var credential = new Azure.Identity.DefaultAzureCredential();
        services.AddSingleton<Azure.Core.TokenCredential>(credential);
        services.AddOptions<StorageOptions>().BindConfiguration("Hub:Storage");
        services.AddOptions<QueueOptions>().BindConfiguration("Hub:Queues");
        services.AddOptions<FeedLimits>().BindConfiguration("Hub:Feeds");
        services.AddOptions<SecurityOptions>().BindConfiguration("Hub:Security");
        services.AddOptions<AdminOptions>().BindConfiguration("Hub:Admin")
            .Validate(o => o.Secret is null || Domain.Security.WebhookSignature.IsWellFormedSecret(o.Secret), "Hub:Admin:Secret is 'whsec_' followed by base64 of 24 to 64 bytes.")
            .ValidateOnStart();
        services.AddOptions<MasterDataOptions>().BindConfiguration("Hub:MasterData");
        services.AddOptions<ProcessingOptions>().BindConfiguration("Hub:Processing");
        services.AddOptions<HostOptions>().Configure<IOptions<ProcessingOptions>>((host, processing) => host.ShutdownTimeout = processing.Value.ShutdownTime);
        services.AddOptions<ProxySettings>().BindConfiguration(ProxySettings.Section)
            .Validate(o => !o.Problems().Any(), "Hub:ForwardedHeaders has invalid entries (see ProxySettings.Problems).")
            .ValidateOnStart();
        // Forwarded headers from the configured proxies only (none by default: the framework's loopback default removed).
        services.AddOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>().Configure<IOptions<ProxySettings>>((o, proxies) =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost;
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.Proxies()) o.KnownProxies.Add(proxy);
            foreach (var network in proxies.Value.Networks()) o.KnownIPNetworks.Add(network);
        });
        services.AddSingleton<TimeProvider>(sp => HubClock.Create(config, builder.Environment));
        // The hub's one source of randomness (the jitter of retries and back-offs), injected like the clock. Random.Shared
        // is safe to share between threads.
        services.AddSingleton(Random.Shared);
        services.AddOptions<ComplaintOptions>().BindConfiguration("Hub:Complaints")
            .Validate(o => o.ReplyWorkingDays >= 0 && o.ResolveWorkingDays >= 0 && o.EscalationWorkingDays >= 1 && o.ConfirmWorkingDays >= 1, "Complaint limits are working-day counts (escalation and confirmation at least 1).")
            .ValidateOnStart();
        services.AddOptions<CalendarOptions>().BindConfiguration("Hub:Calendar")
            .Validate(o => !o.Problems().Any(), "Hub:Calendar has invalid settings (see CalendarOptions.Problems).")
            .ValidateOnStart();
        services.AddSingleton<CalendarStore>();
        services.AddSingleton<Calendar.CalendarBook>();
        services.AddHostedService(sp => sp.GetRequiredService<Calendar.CalendarBook>());
        services.AddSingleton<IWorkingDays>(sp => sp.GetRequiredService<Calendar.CalendarBook>());
        services.AddSingleton<Calendar.CalendarLoads>();
        services.AddSingleton<CalendarIntake>();
        services.AddConsole(builder.Environment, builder.Configuration);
        services.AddSingleton<ComplaintFactStore>();
        services.AddOptions<MonitoringOptions>().BindConfiguration("Hub:Monitoring")
            .Validate(o => !o.Problems().Any(), "Hub:Monitoring has invalid thresholds (see MonitoringOptions.Problems).")
            .ValidateOnStart();
        services.AddSingleton<MonitoringMarks>();
        services.AddSingleton<IntakeRefusals>();
        services.AddSingleton<TraceCodeRegistry>();
        services.AddSingleton<MonitoringEngine>();
        services.AddSingleton<PrescriberReview>();
        services.AddSingleton<ListingStore>();
        services.AddSingleton<ListingMonitor>();
        services.AddSingleton<ListingIntake>();
        services.AddOptions<Integration.Orchestrations.Durable.DurableOptions>().BindConfiguration("Hub:Durable")
            .Validate(o => !o.Problems(config["Hub:Storage:Prefix"] ?? "").Any(), "Hub:Durable has invalid settings (see DurableOptions.Problems).")
            .ValidateOnStart();
        services.AddSingleton(sp => new Integration.Orchestrations.Durable.DurableEngine(sp.GetRequiredService<HubStorage>(),
            sp.GetRequiredService<IOptions<Integration.Orchestrations.Durable.DurableOptions>>().Value,
            [
                new(typeof(ComplaintOrchestration), IsActivity: false), new(typeof(ApplyComplaintEvent), IsActivity: true),
                new(typeof(Integration.Orchestrations.Assessments.AssessmentOrchestration), IsActivity: false),
                new(typeof(Integration.Orchestrations.Assessments.RecordAssessment), IsActivity: true),
                new(typeof(Integration.Orchestrations.Assessments.AssessItems), IsActivity: true),
                new(typeof(Integration.Orchestrations.Assessments.WriteAssessmentReport), IsActivity: true),
                new(typeof(Integration.Orchestrations.Cases.CaseOrchestration), IsActivity: false),
                new(typeof(Integration.Orchestrations.Cases.ApplyCaseEvent), IsActivity: true),
            ],
            sp, sp.GetRequiredService<ILoggerFactory>(), runWorker: config.GetValue("Hub:Processing:RunTriggers", true) || UnderFunctionsHost));
        services.AddHostedService(sp => sp.GetRequiredService<Integration.Orchestrations.Durable.DurableEngine>());
        services.AddSingleton(sp => new ComplaintDesk(OrchestrationRecords.Complaints(sp.GetRequiredService<HubStorage>()), sp.GetRequiredService<AlertStore>(),
            sp.GetRequiredService<ComplaintFactStore>(), sp.GetRequiredService<Integration.Orchestrations.Durable.DurableEngine>(),
            () => sp.GetRequiredService<Calendar.CalendarBook>().Machine, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ComplaintDesk>>(),
            sp.GetRequiredService<IOptions<Integration.Orchestrations.Durable.DurableOptions>>().Value.AnswerWait, HubClock.Offset(config, builder.Environment),
            async (year, version, ct) =>
            {
                var book = sp.GetRequiredService<Calendar.CalendarBook>();
                if ((book.Year(year)?.Version ?? 0) >= version) return true;
                await book.ReloadAsync(ct);
                return (book.Year(year)?.Version ?? 0) >= version;
            },
            sp.GetRequiredService<FaultInjection>().AtAsync, lateness => sp.GetRequiredService<HubMetrics>().TimerFired(ComplaintDesk.Orchestration, lateness)));
        services.AddSingleton<JsonCommands>();
        services.AddOptions<Integration.Orchestrations.Cases.CaseOptions>().BindConfiguration("Hub:Cases")
            .Validate(o => new[] { o.ExplanationWorkingDays, o.TalkWorkingDays, o.RectificationWorkingDays, o.DemandReturnWorkingDays, o.EscalationWorkingDays }.All(d => d is >= 1 and <= 120),
                "Hub:Cases: working days are 1 to 120.")
            .Validate(o => o.AutoOpenRulesValid, "Hub:Cases:AutoOpenRules: rule ids (R1, R2, ...), comma-separated.")
            .ValidateOnStart();
        services.AddSingleton<Integration.Orchestrations.Cases.ICaseEvidence, CaseEvidence>();
        services.AddSingleton(sp => new Integration.Orchestrations.Cases.CaseDesk(OrchestrationRecords.Cases(sp.GetRequiredService<HubStorage>()), sp.GetRequiredService<AlertStore>(),
            sp.GetRequiredService<Integration.Orchestrations.Durable.DurableEngine>(), sp.GetRequiredService<Integration.Orchestrations.Cases.ICaseEvidence>(),
            () => new Integration.Orchestrations.Cases.CaseMachine(sp.GetRequiredService<Calendar.CalendarBook>().Calendar, sp.GetRequiredService<IOptions<Integration.Orchestrations.Cases.CaseOptions>>().Value),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Integration.Orchestrations.Cases.CaseDesk>>(),
            sp.GetRequiredService<IOptions<Integration.Orchestrations.Durable.DurableOptions>>().Value.AnswerWait, HubClock.Offset(config, builder.Environment)));
        services.AddSingleton<CaseApi>();
        services.AddSingleton<Integration.Orchestrations.Monitoring.FindingDesk>();
        services.AddSingleton<AutoCaseOpener>();
        services.AddSingleton<ComplaintApi>();
        services.AddSingleton<IAgreedVolumes, AgreedVolumes>();
        services.AddSingleton<ComplaintRatings>();
        services.AddSingleton<AssessmentStore>();
        services.AddSingleton<Integration.Orchestrations.Assessments.CityReports>();
        // The reports' HTML pages are drawn by the console's components.
        services.AddSingleton<Integration.Orchestrations.Assessments.IReportPages, Office.ReportPages>();
        services.AddSingleton<Integration.Orchestrations.Assessments.ReportWriters>();
        services.AddSingleton<Integration.Orchestrations.Assessments.IAssessmentSource, AssessmentSource>();
        services.AddSingleton(sp => new Integration.Orchestrations.Assessments.AssessmentDesk(sp.GetRequiredService<AssessmentStore>(),
            sp.GetRequiredService<AlertStore>(), sp.GetRequiredService<Integration.Orchestrations.Assessments.IAssessmentSource>(),
            sp.GetRequiredService<Integration.Orchestrations.Assessments.ReportWriters>(), sp.GetRequiredService<Integration.Orchestrations.Durable.DurableEngine>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Integration.Orchestrations.Assessments.AssessmentDesk>>(),
            config.GetValue("Hub:Assessments:ItemsPerActivity", 20), config.GetValue("Hub:Assessments:Concurrency", Integration.Orchestrations.Assessments.AssessmentDesk.DefaultConcurrency),
            sp.GetRequiredService<FaultInjection>().AtAsync));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ProcessingOptions>>().Value);

        services.AddSingleton(sp => new HubStorage(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<Azure.Core.TokenCredential>()));
        services.AddSingleton(sp => new SecretProtector(SecretKey(config, builder.Environment)));
        services.AddSingleton<MasterStore>();
        services.AddSingleton<ContactStore>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<RequestBindings>();
        services.AddSingleton<RawArchive>();
        services.AddSingleton<RecordStore>();
        services.AddSingleton<AssignedLineStore>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<SubscriptionStore>();
        services.AddSingleton<AlertDeliveryStore>();
        services.AddSingleton<AlertEventStore>();
        services.AddSingleton<AlertDigestStore>();
        services.AddOptions<DeliveryOptions>().BindConfiguration("Hub:Alerts:Delivery")
            .Configure(o =>
            {
                o.AllowHttp |= builder.Environment.IsDevelopment();
                o.AllowLoopback |= builder.Environment.IsDevelopment();
            })
            .Validate(o => !o.Problems().Any(), "Hub:Alerts:Delivery has invalid settings (see DeliveryOptions.Problems).")
            .ValidateOnStart();
        services.AddSingleton<Outbound.AlertSender>();
        services.AddSingleton<Outbound.DeliveryQueue>();
        services.AddSingleton(sp => new Outbound.AlertTopic(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<Azure.Core.TokenCredential>()));
        services.AddSingleton<Idempotency>();
        services.AddSingleton<FeedReferences>();
        services.AddSingleton<FeedIntake>();
        services.AddSingleton<MasterIntake>();
        services.AddSingleton<PoisonReplay>();
        services.AddSingleton<FaultInjection>();
        services.AddSingleton<MasterDataCache>();
        services.AddSingleton<IMasterData>(sp => sp.GetRequiredService<MasterDataCache>());
        services.AddHostedService(sp => sp.GetRequiredService<MasterDataCache>());

        services.AddSingleton(sp => FunctionCatalog.Load(AppContext.BaseDirectory, name => sp.GetRequiredService<IConfiguration>()[name]));
        services.AddSingleton<FunctionInvoker>();
        foreach (var type in FunctionInvoker.FunctionTypes.Values) services.AddScoped(type);
        services.AddSingleton<QueueInspector>();
        if (config.GetValue("Hub:Processing:RunTriggers", true))
            services.AddHostedService<StandaloneHost>();

        services.AddSingleton<HubMetrics>();
        services.AddHostedService<QueueDepthSampler>();
        services.AddHubTelemetry(config, credential);

        services.ConfigureHttpJsonOptions(o => HubJson.Configure(o.SerializerOptions));
        services.AddPartnerApiDescription();
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, PartnerAuthentication>(PartnerAuthentication.SchemeName, null);
        services.AddAuthorization(o => o.AddPolicy(PartnerAuthentication.Policy, p => p.AddAuthenticationSchemes(PartnerAuthentication.SchemeName).RequireAuthenticatedUser()));
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.Features.Get<Caller>() is not { } caller) return RateLimitPartition.GetNoLimiter("anonymous");
                var security = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
                return RateLimitPartition.GetTokenBucketLimiter(caller.Partner.PartnerId, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = security.Burst,
                    TokensPerPeriod = security.RequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
            options.OnRejected = async (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await ProblemResponses.Of(StatusCodes.Status429TooManyRequests, "Too many requests",
                    "This partner sends faster than its limit; slow down and retry after the time in Retry-After.").ExecuteAsync(context.HttpContext);
            };
        });
        // The body limit is enforced where the body is read (PartnerAuthentication), with a problem answer.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        return builder;
    }

    public static WebApplication MapHub(this WebApplication app)
    {
        // The client, scheme and host as a trusted front end saw them (Hub:ForwardedHeaders), before anything reads them.
        // With no proxy configured the middleware is left out: with both of its lists empty it would believe anyone.
        var proxies = app.Services.GetRequiredService<IOptions<ProxySettings>>().Value;
        if (proxies.Proxies().Count + proxies.Networks().Count > 0) app.UseForwardedHeaders();
        // An unexpected failure is a problem-details 500 with a correlation id in every environment, Development too (the
        // developer exception page would show the stack and the request's headers): the details go to the log.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                var correlationId = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
                var error = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
                if (ClientFault(context, error) is { } fault) return fault;
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Functions.Unexpected")
                    .LogError(error, "Unexpected failure of {Method} {Path}, correlation id {CorrelationId}", context.Request.Method, context.Request.Path, correlationId);
                return ProblemResponses.Unexpected(correlationId).ExecuteAsync(context);
            },
        });
        // Answers the framework gives without a body (no such route, method, media type) become problem details too.
        app.UseStatusCodePages(context => ProblemResponses.ForStatus(context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
        app.UseConsoleOverHttpsOnly(app.Environment);
        app.UseConsoleReadiness();
        app.UseConsoleSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        // The framework's antiforgery for every console form; a refused one is the console's page.
        app.UseConsoleAntiforgery();
        app.UseRateLimiter();
        // The partner API: every endpoint under /api/v1 is in this group, which requires the partner scheme (a signed
        // request): the endpoint decides, not the spelling of the path that reached it. A path under /api/v1 that is no
        // route is refused alike until signed, then answered 404.
        var partnerApi = app.MapGroup("/api/v1").RequireAuthorization(PartnerAuthentication.Policy);
        partnerApi.MapFeeds();
        partnerApi.MapFeedFiles();
        partnerApi.MapAdmin();
        partnerApi.MapRequests();
        partnerApi.MapSettlementRecords();
        partnerApi.MapPrescriberOutliers();
        partnerApi.MapContacts();
        partnerApi.MapAssignedOrders();
        partnerApi.MapAlerts();
        partnerApi.MapFindings();
        partnerApi.MapSubscriptions();
        partnerApi.MapComplaints();
        partnerApi.MapCases();
        partnerApi.MapWorkingDays();
        partnerApi.MapIndicators();
        partnerApi.MapAssessments();
        partnerApi.MapCityReports();
        partnerApi.MapFallback("{**path}", () => ProblemResponses.ForStatus(StatusCodes.Status404NotFound)).ExcludeFromDescription();
        app.MapOfficeConsole();
        app.MapHealth();
        app.MapPartnerApiDescription();
        app.MapPartnerApiGuide();
        if (UnderFunctionsHost) app.MapFunctionInvocations();
        return app;
    }

    /// <summary>
    /// A request the client broke rather than a failure of the hub: a body or parameter the framework could not read or
    /// bind (BadHttpRequestException). Logged as such (no error, no correlation id) and answered with its status, or
    /// null. (A client gone mid-request, OperationCanceledException or IOException with RequestAborted, the exception
    /// handler already takes as a 499 logged at debug; the partner body is read in PartnerAuthentication, which says so.)
    /// </summary>
    private static Task? ClientFault(HttpContext context, Exception? error)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Integration.Functions.ClientFault");
        switch (error)
        {
            case BadHttpRequestException bad:
                logger.LogInformation("{Method} {Path} could not be read ({Status}): the client sent it incomplete or malformed, or went away", context.Request.Method, context.Request.Path, bad.StatusCode);
                return ProblemResponses.Of(bad.StatusCode, "The request could not be read",
                    "The request's body, headers or parameters could not be read: it was incomplete or malformed.").ExecuteAsync(context);
            default:
                return null;
        }
    }

    /// <summary>
    /// The console's accounts and sessions: passwords hashed with ASP.NET Core Identity's hasher, a session cookie
    /// (HttpOnly, SameSite=Strict, Secure outside Development, sliding idle expiry, an absolute lifetime, bound to the
    /// account's security stamp), antiforgery tokens on every form,
    /// the keys that protect both kept in the storage account so that every instance shares them.
    /// </summary>
    private static void AddConsole(this IServiceCollection services, IHostEnvironment environment, IConfiguration configuration)
    {
        services.AddOptions<Office.ConsoleOptions>().BindConfiguration("Hub:Console")
            .Validate(o => !o.Problems().Any(), "Hub:Console has invalid settings (see ConsoleOptions.Problems).")
            .ValidateOnStart();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SignInThrottleStore>();
        services.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<ConsoleUser>, Microsoft.AspNetCore.Identity.PasswordHasher<ConsoleUser>>();
        services.AddSingleton<Office.ConsoleSignIn>();
        services.AddSingleton<Office.ConsoleSessions>();
        services.AddSingleton<Office.UserIntake>();
        services.AddSingleton<Office.ConsoleSnapshots>();
        services.AddSingleton<Office.ConsoleWork>();
        // The console's pages that are components, rendered on the server (static SSR, no interactivity).
        services.AddRazorComponents();
        Microsoft.AspNetCore.DataProtection.DataProtectionBuilderExtensions.SetApplicationName(services.AddDataProtection(), "integration-hub");
        services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>(sp =>
            new ConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o =>
                o.XmlRepository = new Office.BlobKeyRepository(sp.GetRequiredService<HubStorage>().State)));
        var secure = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        var authentication = services.AddAuthentication(Office.ConsoleSignIn.Scheme).AddCookie(Office.ConsoleSignIn.Scheme, o =>
        {
            o.LoginPath = "/console/login";
            o.AccessDeniedPath = "/console/login";
            o.ReturnUrlParameter = "returnUrl";
            o.Cookie.Name = "hub-console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = secure;
            o.Cookie.Path = "/console";
            o.SlidingExpiration = true;
            // Every request's session is checked against its account as it is now (and its absolute lifetime).
            o.Events = new Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationEvents
            {
                OnValidatePrincipal = context => context.HttpContext.RequestServices.GetRequiredService<Office.ConsoleSessions>().ValidateAsync(context),
            };
        });
        // The province's identity provider, when configured: the code flow with PKCE, its answer in the query (a
        // top-level GET, so that the correlation cookies can stay SameSite=Lax), the account found by a claim.
        var oidc = configuration.GetSection("Hub:Console:Oidc").Get<Office.ConsoleOidcOptions>() ?? new();
        if (oidc.Enabled)
        {
            authentication.AddOpenIdConnect(Office.ConsoleSignIn.OidcScheme, o =>
            {
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectResponseType.Code;
                o.ResponseMode = Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.CallbackPath = "/console/signin-oidc";
                o.SignInScheme = Office.ConsoleSignIn.Scheme;
                o.MapInboundClaims = false;
                o.SaveTokens = false;
                o.RequireHttpsMetadata = !environment.IsDevelopment();
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("profile");
                o.CorrelationCookie.SameSite = o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = secure;
                o.Events = new Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectEvents
                {
                    OnTicketReceived = Office.ConsoleSignIn.OnTicketReceivedAsync,
                    OnRemoteFailure = Office.ConsoleSignIn.OnRemoteFailureAsync,
                };
            });
        }
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(Office.ConsoleSignIn.Scheme)
            .Configure<IOptions<Office.ConsoleOptions>>((o, console) => o.ExpireTimeSpan = console.Value.IdleTimeout);
        services.AddAuthorization(o => o.AddPolicy(Office.ConsoleSignIn.Scheme, p => p.AddAuthenticationSchemes(Office.ConsoleSignIn.Scheme).RequireAuthenticatedUser()));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "hub-console-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = secure;
            o.Cookie.Path = "/console";
        });
    }

    /// <summary>The custom handler protocol: the Functions host posts each non-HTTP invocation to <c>/{FunctionName}</c>.</summary>
    public static IEndpointRouteBuilder MapFunctionInvocations(this IEndpointRouteBuilder app)
    {
        app.MapPost("/{function}", async (string function, HttpContext context, FunctionInvoker invoker) =>
            {
                if (!invoker.IsInvocable(function)) return Results.NotFound();
                using var payload = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                var result = await invoker.InvokeAsync(function, payload.RootElement, context.RequestAborted);
                return Results.Json(result.ToResponse(), statusCode: result.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError);
            })
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Logs, metrics and traces through OpenTelemetry: to the console when asked, to Azure Monitor when configured.</summary>
    private static void AddHubTelemetry(this IServiceCollection services, IConfiguration config, Azure.Core.TokenCredential credential)
    {
        // Hub:Telemetry:Console (default false) exports to the console every Hub:Telemetry:ExportInterval (default 60 s).
        var console = config.GetValue("Hub:Telemetry:Console", false);
        var interval = config.GetValue("Hub:Telemetry:ExportInterval", TimeSpan.FromSeconds(60));
        var azureMonitor = config["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 };
        // In Azure, Application Insights takes no keys (infra: DisableLocalAuth): the exporters sign in with the app's
        // managed identity when APPLICATIONINSIGHTS_AUTHENTICATION_STRING says Authorization=AAD.
        var entraId = config["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true
            ? credential : null;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("integration-hub"))
            .WithMetrics(m =>
            {
                m.AddMeter(HubMetrics.MeterName).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation();
                if (console) m.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)interval.TotalMilliseconds);
                if (azureMonitor) m.AddAzureMonitorMetricExporter(o => o.Credential = entraId);
            })
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/api/health", StringComparison.Ordinal));
                if (azureMonitor) t.AddAzureMonitorTraceExporter(o => o.Credential = entraId);
            });
        telemetry.WithLogging(l =>
        {
            if (console) l.AddConsoleExporter();
            if (azureMonitor) l.AddAzureMonitorLogExporter(o => o.Credential = entraId);
        });
    }

    /// <summary>The key for partner secrets at rest; Development falls back to a fixed key so that a fresh clone runs.</summary>
    private static byte[] SecretKey(IConfiguration config, IHostEnvironment environment)
    {
        var configured = config["Hub:Secrets:Key"];
        if (!string.IsNullOrWhiteSpace(configured)) return Convert.FromBase64String(configured);
        if (environment.IsDevelopment()) return SHA256.HashData(Encoding.UTF8.GetBytes("integration-hub development key, never for real secrets"));
        throw new InvalidOperationException("Hub:Secrets:Key (base64 of 32 bytes) is required outside Development.");
    }
}
