using System.Net;
using System.Text.RegularExpressions;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// A person's browser reduced to HTTP: its own cookies, no redirects followed, the antiforgery field read from the page
/// before each form. For the console's session and sign-in rules, where what matters is the status, the cookie and the
/// answer, and a client that may stand behind a proxy (<see cref="ForwardedFor"/>).
/// </summary>
public sealed partial class ConsoleHttp : IDisposable
{
    private readonly HttpClient http;

    /// <param name="cookies">The cookies to start with (a copy of another person's, <see cref="Cookies"/>).</param>
    public ConsoleHttp(string baseUrl, IReadOnlyDictionary<string, string>? cookies = null)
    {
        foreach (var (name, value) in cookies ?? new Dictionary<string, string>()) Cookies[name] = value;
        http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    public ConsoleHttp(HubProcess hub, IReadOnlyDictionary<string, string>? cookies = null) : this(hub.Url, cookies)
    {
    }

    /// <summary>
    /// The cookies held, by name. Kept by hand, not by a CookieContainer: a cookie marked Secure (the hub's outside
    /// Development) is sent back over the plain HTTP between the test and a hub that a TLS proxy would stand before.
    /// </summary>
    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    /// <summary>The Set-Cookie headers of the last answer.</summary>
    public IReadOnlyList<string> LastSetCookies { get; private set; } = [];

    /// <summary>Sent as X-Forwarded-For with every request when set (the client a trusted proxy says it forwards for).</summary>
    public string? ForwardedFor { get; set; }

    /// <summary>Sent as X-Forwarded-Proto with every request when set.</summary>
    public string? ForwardedProto { get; set; }

    public async Task<(HttpStatusCode Status, string Body, Uri? Location)> GetAsync(string path)
    {
        using var request = Request(HttpMethod.Get, path);
        using var response = await SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await http.SendAsync(request);
        LastSetCookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? [.. set] : [];
        foreach (var header in LastSetCookies)
        {
            var pair = header.Split(';', 2)[0];
            var (name, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) Cookies.Remove(name);
            else Cookies[name] = value;
        }
        return response;
    }

    /// <summary>Posts a form of <paramref name="pageWithForm"/> (read first, for its antiforgery field) to <paramref name="action"/>.</summary>
    public async Task<(HttpStatusCode Status, string Body, Uri? Location)> PostFormAsync(string pageWithForm, string action, params (string Name, string Value)[] fields)
    {
        var (status, page, _) = await GetAsync(pageWithForm);
        Assert.True(status == HttpStatusCode.OK, $"GET {pageWithForm}: {(int)status}");
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, $"no antiforgery field on {pageWithForm}");
        using var request = Request(HttpMethod.Post, action);
        request.Content = new FormUrlEncodedContent([new(WebUtility.HtmlDecode(token.Groups[1].Value), WebUtility.HtmlDecode(token.Groups[2].Value)),
            .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);
        using var response = await SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    /// <summary>Signs in with the password form; the answer as it came (a redirect when it worked).</summary>
    public Task<(HttpStatusCode Status, string Body, Uri? Location)> SignInAsync(string userId, string password, string? returnUrl = null) =>
        PostFormAsync("/console/login", "/console/login", [("userId", userId), ("password", password), .. returnUrl is null ? [] : new[] { ("returnUrl", returnUrl) }]);

    /// <summary>Signs out with the header's form on the overview.</summary>
    public Task<(HttpStatusCode Status, string Body, Uri? Location)> SignOutAsync() => PostFormAsync("/console/", "/console/logout");

    /// <summary>The text of the page's alert (role="alert"), or null.</summary>
    public static string? AlertOf(string page) => AlertText().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    /// <summary>True when the answer sends the person to the sign-in page.</summary>
    public static bool ToSignIn((HttpStatusCode Status, string Body, Uri? Location) answer) =>
        answer.Status == HttpStatusCode.Redirect && answer.Location?.OriginalString.Contains("/console/login", StringComparison.Ordinal) == true;

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        if (ForwardedFor is not null) request.Headers.Add("X-Forwarded-For", ForwardedFor);
        if (ForwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", ForwardedProto);
        return request;
    }

    // Written by the framework's <AntiforgeryToken /> (which closes it with " />").
    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken)\" value=\"([^\"]+)\"\\s*/?>")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("role=\"alert\">([^<]*)<")]
    private static partial Regex AlertText();

    public void Dispose() => http.Dispose();
}
