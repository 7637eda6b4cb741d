using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Records;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>One field of an exported kind of record: its name in JSON and CSV, and what it means.</summary>
internal sealed record GdprExportColumn(string Name, string Description);

/// <summary>
/// One kind of record in the export: its documented columns and its rows' values. Written twice:
/// as JSON (<c>kind</c>, <c>description</c>, <c>fields</c> name → meaning, <c>records</c> with the
/// values typed: numbers, true/false, ISO 8601 times in UTC, dates as yyyy-MM-dd, a history entry's
/// changes as the JSON they are) and as a CSV table of the same columns.
/// </summary>
internal sealed class GdprExportSheet(string name, string description, IReadOnlyList<GdprExportColumn> columns, IReadOnlyList<object?[]> rows)
{
    public string Name => name;
    public string Description => description;
    public int Count => rows.Count;

    public static GdprExportSheet Of<T>(string name, string description, IReadOnlyList<T> rows, params (string Name, string Description, Func<T, object?> Value)[] columns) =>
        new(name, description, [.. columns.Select(c => new GdprExportColumn(c.Name, c.Description))], [.. rows.Select(r => columns.Select(c => c.Value(r)).ToArray())]);

    public async Task WriteJsonAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("kind", name);
        json.WriteString("description", description);
        json.WriteStartObject("fields");
        foreach (var column in columns)
        {
            json.WriteString(column.Name, column.Description);
        }

        json.WriteEndObject();
        json.WriteStartArray("records");
        foreach (var row in rows)
        {
            json.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                json.WritePropertyName(columns[i].Name);
                WriteValue(json, row[i]);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    public TableExport ToTable() => new(name, [.. columns.Select(c => c.Name)], Rows);

    private async IAsyncEnumerable<IReadOnlyList<string?>> Rows([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return [.. row.Select(Text)];
        }

        await Task.CompletedTask;
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case bool b: json.WriteBooleanValue(b); break;
            case JsonNode node: node.WriteTo(json); break;
            default: json.WriteStringValue(Text(value)); break;
        }
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        DateTime at => DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        JsonNode node => node.ToJsonString(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

/// <summary>The kinds of record the export writes, each with its documented fields, read by the IDs the search found.</summary>
internal static class GdprExportSheets
{
    public const string HistoryName = "history";

    private const string IdText = "The record's ID in the CRM (shown as \"ID 123\").";
    private const string CreatedText = "When the record was created (UTC).";
    private const string ModifiedText = "When the record was last changed (UTC).";

    public static async Task<IReadOnlyList<GdprExportSheet>> ReadAsync(CrmDb db, GdprPersonKeys keys, CancellationToken cancellationToken)
    {
        var contacts = await db.Contacts.AsNoTracking().Where(c => keys.Contacts.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var leads = await db.Leads.AsNoTracking().Where(l => keys.Leads.Contains(l.Id)).OrderBy(l => l.Id).ToListAsync(cancellationToken);
        var companies = await db.Companies.AsNoTracking().Where(c => keys.Companies.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var emails = await db.LoggedEmails.AsNoTracking().Where(e => keys.LoggedEmails.Contains(e.Id)).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var memos = await db.Memos.AsNoTracking().Where(m => keys.Memos.Contains(m.Id)).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var files = await db.FileObjects.AsNoTracking().Where(f => keys.Files.Contains(f.Id)).OrderBy(f => f.Id).ToListAsync(cancellationToken);
        var bindings = await db.MassContacts.AsNoTracking().Where(b => keys.MailingBindings.Contains(b.Id)).OrderBy(b => b.Id)
            .Join(db.SendingAccounts, b => b.SendingAccountId, a => a.Id, (b, a) => new { b.Id, b.Module, b.RecordId, a.FromAddress, b.CreatedAt })
            .ToListAsync(cancellationToken);
        var optOuts = await db.MailingOptOuts.AsNoTracking().Where(o => keys.OptOuts.Contains(o.Id)).OrderBy(o => o.Id).ToListAsync(cancellationToken);
        var history = await GdprPersonSearch.HistoryAsync(db, keys, cancellationToken);

        return
        [
            GdprExportSheet.Of("contacts", "The person as a contact: someone the organisation deals with.", contacts,
                ("id", IdText, c => c.Id), ("firstName", "First name.", c => c.FirstName), ("lastName", "Last name.", c => c.LastName),
                ("email", "Email address.", c => c.Email), ("phone", "Phone number.", c => c.Phone), ("title", "Job title.", c => c.Title),
                ("companyId", "The ID of the company the contact works for, if any.", c => c.CompanyId),
                ("createdAt", CreatedText, c => c.CreatedAt), ("modifiedAt", ModifiedText, c => c.ModifiedAt)),
            GdprExportSheet.Of("leads", "The person as a lead: a possible customer not yet qualified.", leads,
                ("id", IdText, l => l.Id), ("firstName", "First name.", l => l.FirstName), ("lastName", "Last name.", l => l.LastName),
                ("companyName", "The company name as given.", l => l.CompanyName), ("email", "Email address.", l => l.Email), ("phone", "Phone number.", l => l.Phone),
                ("source", "Where the lead came from: web, referral, event or other.", l => l.Source),
                ("status", "new, contacted, qualified, disqualified or converted.", l => l.Status), ("notes", "Notes about the lead.", l => l.Notes),
                ("convertedAt", "When the lead was converted into a contact (UTC), if it was.", l => l.ConvertedAt),
                ("convertedContactId", "The contact the lead became, if any.", l => l.ConvertedContactId),
                ("createdAt", CreatedText, l => l.CreatedAt), ("modifiedAt", ModifiedText, l => l.ModifiedAt)),
            GdprExportSheet.Of("companies", "Companies whose email address is the person's.", companies,
                ("id", IdText, c => c.Id), ("name", "Company name.", c => c.Name), ("email", "Email address.", c => c.Email), ("phone", "Phone number.", c => c.Phone),
                ("website", "Web site.", c => c.Website), ("address", "Postal address.", c => c.Address), ("city", "City.", c => c.City),
                ("country", "Country as given.", c => c.CountryName), ("createdAt", CreatedText, c => c.CreatedAt), ("modifiedAt", ModifiedText, c => c.ModifiedAt)),
            GdprExportSheet.Of("emails", "Emails exchanged with the person, as logged in the CRM.", emails,
                ("id", IdText, e => e.Id), ("direction", "incoming (from the person) or outgoing (to the person).", e => e.Direction),
                ("from", "Sender address.", e => e.From), ("to", "Recipient addresses, separated by commas.", e => e.To), ("subject", "Subject.", e => e.Subject),
                ("body", "Text of the email.", e => e.Body), ("sentAt", "When it was sent (UTC).", e => e.SentAt),
                ("relatedModule", "The kind of record the email was logged against.", e => e.RelatedModule), ("relatedId", "The ID of that record.", e => e.RelatedId)),
            GdprExportSheet.Of("memos", "Internal office memos that mention the person's address or are about their records.", memos,
                ("id", IdText, m => m.Id), ("title", "Title.", m => m.Title), ("body", "Text of the memo.", m => m.Body),
                ("stage", "Pending, Postponed or Reviewed.", m => m.Stage.ToString()), ("reviewComment", "The reviewer's comment.", m => m.ReviewComment),
                ("relatedModule", "The kind of record the memo is about.", m => m.RelatedModule), ("relatedId", "The ID of that record.", m => m.RelatedId),
                ("createdAt", CreatedText, m => m.CreatedAt)),
            GdprExportSheet.Of("files", "Files attached to the records above; their content is in the files/ folder of this export.", files,
                ("id", IdText, f => f.Id), ("name", "File name.", f => f.Name), ("contentType", "Media type.", f => f.ContentType), ("size", "Size in bytes.", f => f.Size),
                ("relatedModule", "The kind of record it is attached to.", f => f.RelatedModule), ("relatedId", "The ID of that record.", f => f.RelatedId),
                ("path", "Where its content is in this export.", f => $"files/{f.Id}-{f.Name}"), ("createdAt", CreatedText, f => f.CreatedAt)),
            GdprExportSheet.Of("mailing-bindings", "Mass mailings: the sending address each of the person's records receives mailings from.", bindings,
                ("id", "The binding's ID.", b => b.Id), ("module", "The kind of record.", b => b.Module), ("recordId", "The ID of that record.", b => b.RecordId),
                ("fromAddress", "The address mailings to it are sent from.", b => b.FromAddress), ("createdAt", "When the first mailing bound it (UTC).", b => b.CreatedAt)),
            GdprExportSheet.Of("opt-outs", "The person's unsubscription from mailings.", optOuts,
                ("email", "The address that unsubscribed.", o => o.Email), ("createdAt", "When it unsubscribed (UTC).", o => o.CreatedAt)),
            GdprExportSheet.Of(HistoryName, "Every recorded change of the records above, oldest first.", history,
                ("id", "The history entry's ID.", h => h.Id), ("at", "When (UTC).", h => h.At), ("by", "Who made the change.", h => h.ActorName),
                ("recordType", "The kind of record.", h => h.EntityType), ("recordId", "The record's ID.", h => h.EntityId), ("label", "How the record was named then.", h => h.Label),
                ("action", "created, updated, deleted, restored, transferred or exported.", h => h.Action),
                ("changes", "The fields changed: for each, the old and new value (a created or deleted record: its values).", h => ParseChanges(h.Changes))),
        ];
    }

    private static JsonNode? ParseChanges(string changes)
    {
        try
        {
            return JsonNode.Parse(changes);
        }
        catch (JsonException)
        {
            return JsonValue.Create(changes);
        }
    }
}
