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

    public ConsoleHttp(string baseUrl, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    public ConsoleHttp(HubProcess hub, CookieContainer? cookies = null) : this(hub.Url, cookies)
    {
    }

    public CookieContainer Cookies { get; }

    /// <summary>Sent as X-Forwarded-For with every request when set (the client a trusted proxy says it forwards for).</summary>
    public string? ForwardedFor { get; set; }

    /// <summary>Sent as X-Forwarded-Proto with every request when set.</summary>
    public string? ForwardedProto { get; set; }

    public async Task<(HttpStatusCode Status, string Body, Uri? Location)> GetAsync(string path)
    {
        using var request = Request(HttpMethod.Get, path);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
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
        using var response = await http.SendAsync(request);
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

    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken)\" value=\"([^\"]+)\">")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("role=\"alert\">([^<]*)<")]
    private static partial Regex AlertText();

    public void Dispose() => http.Dispose();
}
