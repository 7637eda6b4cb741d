using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Crm.Tests.Infrastructure;

/// <summary>Raw JSON in and out of the API, so tests send exactly the bytes a caller would (extra fields, wrong types).</summary>
public static class ApiJson
{
    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(this PageClient client, string url, string json) =>
        client.Http.PostAsync(url, Body(json));

    public static Task<HttpResponseMessage> PutJsonAsync(this PageClient client, string url, string json) =>
        client.Http.PutAsync(url, Body(json));

    public static Task<HttpResponseMessage> PatchJsonAsync(this PageClient client, string url, string json) =>
        client.Http.PatchAsync(url, Body(json));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The messages a ValidationProblem gives for <paramref name="field"/>, empty when none.</summary>
    public static async Task<IReadOnlyList<string>> FieldErrorsAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ReadJsonAsync();
        return problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages)
            ? messages.EnumerateArray().Select(m => m.GetString()!).ToList()
            : [];
    }
}
