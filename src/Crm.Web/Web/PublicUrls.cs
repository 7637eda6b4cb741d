using Microsoft.AspNetCore.WebUtilities;

namespace Crm.Web.Web;

/// <summary>
/// Absolute links for messages that leave the site (reset links, later emails). A configured
/// <c>Crm:PublicUrl</c> wins over the request's Host header, which a caller controls.
/// </summary>
public sealed class PublicUrls(IConfiguration configuration)
{
    /// <summary>Outside a request (background work, automation): under the configured <c>Crm:PublicUrl</c>, else the path alone.</summary>
    public string Absolute(string path) =>
        string.IsNullOrWhiteSpace(configuration["Crm:PublicUrl"]) ? path : configuration["Crm:PublicUrl"]!.TrimEnd('/') + path;

    public string Absolute(HttpContext http, string path, params (string Name, string Value)[] query)
    {
        var configured = configuration["Crm:PublicUrl"];
        var root = string.IsNullOrWhiteSpace(configured)
            ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}"
            : configured.TrimEnd('/');
        var url = root + path;
        foreach (var (name, value) in query)
        {
            url = QueryHelpers.AddQueryString(url, name, value);
        }

        return url;
    }
}
