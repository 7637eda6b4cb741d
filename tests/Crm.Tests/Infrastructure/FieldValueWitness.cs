using System.Net;
using Crm.Web.Records;

namespace Crm.Tests.Infrastructure;

/// <summary>
/// Two custom fields on a module, one of them admin-only, with a value on each record that names the
/// record ("Open-Northrec~", "Adminonly-Northrec"), set by an administrator through the API (so the
/// history holds them too). A scope test then keeps every answer a user receives
/// (<see cref="CrmApp.KeepAnswers"/>) and asks <see cref="Check"/> whether those answers carried the
/// open value of every record the user may see, of no other, and no admin-only value at all
/// (or, with <see cref="CheckAbsent"/>, only the second and third): the
/// custom-field side of "out of scope on every path" and "admin-only on no path" (issue 28), on
/// whatever paths the test walks, without each path having to remember it.
/// </summary>
public sealed class FieldValueWitness
{
    private const string OpenKey = "witness_open";
    private const string AdminOnlyKey = "witness_admin";
    private const string AdminOnlyMark = "Adminonly-";

    private FieldValueWitness()
    {
    }

    /// <summary>The witness for <paramref name="module"/>'s records named in <paramref name="ids"/>, or null for a module without custom fields.</summary>
    public static async Task<FieldValueWitness?> SetUpAsync(PageClient admin, string module, IReadOnlyDictionary<string, int> ids)
    {
        if (ReadableModules.Find(module) is null)
        {
            return null;
        }

        foreach (var (key, adminOnly) in new[] { (OpenKey, false), (AdminOnlyKey, true) })
        {
            var field = await admin.PostJsonAsync("/api/v1/custom-fields",
                $$"""{"module":"{{module}}","key":"{{key}}","label":"Witness {{key}}","type":"text","adminOnly":{{(adminOnly ? "true" : "false")}}}""");
            Assert.Equal(HttpStatusCode.Created, field.StatusCode);
        }

        foreach (var (name, id) in ids)
        {
            // Tasks and memos answer the record inside an envelope ({"task": {...}, "subTasks": [...]}).
            var read = await (await admin.Http.GetAsync($"/api/v1/{module}/{id}")).ReadJsonAsync();
            var record = read.TryGetProperty("version", out _) ? read : read.EnumerateObject().First(p => p.Value.ValueKind == System.Text.Json.JsonValueKind.Object && p.Value.TryGetProperty("version", out _)).Value;
            var version = record.GetProperty("version").GetInt32();
            var patch = await admin.PatchJsonAsync($"/api/v1/{module}/{id}",
                $$"""{"customFields":{"{{OpenKey}}":"{{OpenValue(name)}}","{{AdminOnlyKey}}":"{{AdminOnlyMark}}{{name}}"},"version":{{version}}}""");
            Assert.True(patch.StatusCode == HttpStatusCode.OK, $"PATCH /api/v1/{module}/{id}: {(int)patch.StatusCode} {await patch.Content.ReadAsStringAsync()}");
        }

        return new FieldValueWitness();
    }

    /// <summary><paramref name="who"/>'s <paramref name="answers"/> hold no value of the records named <paramref name="hidden"/>, and no admin-only value.</summary>
    public static void CheckAbsent(string who, IReadOnlyList<(string Url, string Text)> answers, IEnumerable<string> hidden)
    {
        NoAdminOnlyValue(who, answers);
        foreach (var name in hidden)
        {
            var carrying = answers.Where(a => a.Text.Contains(OpenValue(name), StringComparison.Ordinal)).Select(a => a.Url).ToList();
            Assert.True(carrying.Count == 0, $"{who}: {string.Join(", ", carrying)} hold the custom field value of {name}, which they may not see");
        }
    }

    // The end mark keeps one record's value from being found inside another's ("aliceTask" in "aliceTaskAtBobs").
    private static string OpenValue(string name) => $"Open-{name}~";

    private static void NoAdminOnlyValue(string who, IReadOnlyList<(string Url, string Text)> answers)
    {
        foreach (var (url, text) in answers)
        {
            Assert.False(text.Contains(AdminOnlyMark, StringComparison.Ordinal), $"{who}: {url} holds an admin-only field's value");
        }
    }

    /// <summary>
    /// <paramref name="who"/>'s <paramref name="answers"/> hold "Open-{name}~" for exactly the records of
    /// <paramref name="seen"/> among <paramref name="all"/>, and no admin-only value.
    /// </summary>
    public static void Check(string who, IReadOnlyList<(string Url, string Text)> answers, IEnumerable<string> all, IReadOnlyCollection<string> seen)
    {
        NoAdminOnlyValue(who, answers);
        foreach (var name in all)
        {
            var carrying = answers.Where(a => a.Text.Contains(OpenValue(name), StringComparison.Ordinal)).Select(a => a.Url).ToList();
            Assert.True(seen.Contains(name) == carrying.Count > 0,
                seen.Contains(name) ? $"{who}: no answer holds the custom field value of {name}, which they may see" : $"{who}: {string.Join(", ", carrying)} hold the custom field value of {name}, which they may not see");
        }
    }
}
