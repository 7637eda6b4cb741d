using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Audit;
using Crm.Web.Features.CustomFields;
using Crm.Web.Features.Files;
using Crm.Web.Features.Mailings;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>One record the erasure changes or removes, with what it erases in it (field names as people read them).</summary>
public sealed record GdprErasureRecord(int Id, string Label, string? Link, IReadOnlyList<string> Erased);

/// <summary>The records of one kind the erasure touches, and what it does to them.</summary>
public sealed record GdprErasureGroup(string Kind, string Title, string Action, IReadOnlyList<GdprErasureRecord> Records)
{
    public int Count => Records.Count;
}

/// <summary>
/// What an erasure would do now: the records it anonymises or removes (their <see cref="Total"/> is
/// what an API caller confirms), the history entries whose values it redacts, and what it keeps.
/// </summary>
public sealed record GdprErasurePlan(int RequestId, string? Email, string Status, IReadOnlyList<GdprErasureGroup> Groups, int HistoryEntries, IReadOnlyList<string> Kept)
{
    public int Total => Groups.Sum(g => g.Count);
}

/// <summary>
/// The confirmation of an erasure: the request's email address typed again, or the number of records
/// the caller saw in the plan (<see cref="GdprErasurePlan.Total"/>), which must still be the number.
/// </summary>
public sealed record GdprErasureInput(string? ConfirmEmail, int? ConfirmCount);

/// <summary>What an erasure did (counts only).</summary>
public sealed record GdprErasureDone(int RequestId, int Records, int FilesRemoved, int HistoryEntriesRedacted, string Status);

/// <summary>
/// Erasure by anonymisation of a request's person (administrators; issue 26, ADR 0036). Starts from
/// the same search as find and export (<see cref="GdprPersonSearch"/>) and, in one transaction:
/// replaces the personal fields of the contacts and leads (names, email, phone, title or notes, their
/// custom field values) by <c>[DELETED]</c>, and the address on companies whose email it is; removes
/// the address, subject and body of the logged emails; replaces mentions of the address in memos;
/// removes the files attached to the person's records (their stored content after the commit); keeps
/// an opt-out only as the hash of the address (<see cref="MailingOptOut.Hashed"/>), so it stays
/// unsubscribed; redacts the same values in the history of those records (<see cref="TrailRedaction"/>),
/// which <c>audit verify</c> still accepts; records one "erased" entry on the request (who, which
/// records, no values) that vouches for the redactions; and closes the request as answered. Deals,
/// their amounts and dates, and mailing bindings (which hold no address) are kept. The records are
/// written through the database, not their save use cases: <c>[DELETED]</c> is no valid email, and
/// the erased values must not reach the trail as an ordinary update. Irreversible.
/// </summary>
public sealed class ErasePerson(CrmDb db, AuditContext audit, ActivityLog activity, FileReleases releases, GdprDeadlines deadlines, TimeProvider clock)
{
    public const string ActivityKind = "gdpr-erased";
    public const string RecordAction = "anonymised";

    private const string Erased = TrailRedaction.Erased;

    private static readonly string[] s_contactFields = ["firstName", "lastName", "email", "phone", "title"];
    private static readonly string[] s_leadFields = ["firstName", "lastName", "email", "phone", "notes"];
    private static readonly string[] s_emailFields = ["from", "to", "subject", "body"];
    private static readonly string[] s_email = ["Email"];
    private static readonly string[] s_file = ["The file and its content"];
    private static readonly string[] s_optOut = ["The address (kept as its hash: it stays unsubscribed)"];
    private static readonly string[] s_textTypes = [CustomFieldTypes.Text, CustomFieldTypes.Textarea, CustomFieldTypes.Url, CustomFieldTypes.Email, CustomFieldTypes.Phone];

    /// <summary>What the erasure would do now (nothing is written).</summary>
    public async Task<Result<GdprErasurePlan>> PreviewAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (GdprRequestChecks.ReadRefusal(actor) is { } refusal)
        {
            return Result<GdprErasurePlan>.Forbidden(refusal);
        }

        var request = await db.Set<GdprRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return Result<GdprErasurePlan>.NotFound();
        }

        var (plan, _) = await PlanAsync(request, cancellationToken);
        return Result<GdprErasurePlan>.Ok(plan);
    }

    public async Task<Result<GdprErasureDone>> RunAsync(Actor actor, int id, GdprErasureInput input, CancellationToken cancellationToken)
    {
        if (GdprRequestChecks.WriteRefusal(actor) is { } refusal)
        {
            return Result<GdprErasureDone>.Forbidden(refusal);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var request = await db.Set<GdprRequest>().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return Result<GdprErasureDone>.NotFound();
        }

        if (request.Kind != GdprKinds.Erasure)
        {
            return Result<GdprErasureDone>.Conflict($"Request ID {id} is a{(request.Kind == GdprKinds.Access ? "n" : "")} {request.Kind} request; only an erasure request erases the person.");
        }

        if (request.IsClosed)
        {
            return Result<GdprErasureDone>.Conflict($"Request ID {id} is {request.Status} already{(request.ClosedOn is { } on ? $" (on {on:yyyy-MM-dd})" : "")}: its person was erased or the request refused; nothing was changed.");
        }

        var (plan, found) = await PlanAsync(request, cancellationToken);
        if (Confirmation(request, plan, input) is { } errors)
        {
            return Result<GdprErasureDone>.Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var marker = $"data-protection request ID {id}";
        var rewrites = await RedactHistoryAsync(found, marker, cancellationToken);
        var vouched = await TrailRedaction.ApplyAsync(db, rewrites, cancellationToken);
        var filesRemoved = await AnonymiseAsync(found, now, cancellationToken);

        foreach (var (module, ids) in new[] { (CrmModules.Contacts.Key, found.Contacts), (CrmModules.Leads.Key, found.Leads) })
        {
            foreach (var recordId in ids)
            {
                audit.Note(module, recordId.ToString(CultureInfo.InvariantCulture), Erased, RecordAction, new JsonObject
                {
                    ["request"] = new JsonObject { ["new"] = id },
                });
            }
        }

        audit.Note(AuditNames.EntityType(typeof(GdprRequest)), id.ToString(CultureInfo.InvariantCulture), $"Data-protection request ID {id}", TrailRedaction.VouchingAction, new JsonObject
        {
            ["contacts"] = Ids(found.Contacts),
            ["leads"] = Ids(found.Leads),
            ["companies"] = Ids(found.Companies),
            ["emails"] = Ids(found.LoggedEmails),
            ["memos"] = Ids(found.Memos),
            ["files"] = Ids(found.Files),
            ["optOuts"] = new JsonObject { ["new"] = found.OptOuts.Count },
            ["historyRedacted"] = new JsonObject { ["new"] = vouched.Count },
            [TrailRedaction.VouchedField] = new JsonObject { ["new"] = TrailRedaction.VouchedNode(vouched) },
        });
        activity.Record(actor, ActivityKind,
            $"Erased the person of data-protection request ID {id}: {plan.Total} records anonymised or removed ({filesRemoved} files), {vouched.Count} history entries redacted.");

        request.Status = GdprStatuses.Answered;
        request.RefusalReason = null;
        request.ClosedOn = await deadlines.TodayAsync(cancellationToken);
        request.ModifiedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await releases.AfterCommitAsync(cancellationToken);
        return Result<GdprErasureDone>.Ok(new GdprErasureDone(id, plan.Total, filesRemoved, vouched.Count, request.Status));
    }

    private static JsonObject Ids(IReadOnlyList<int> ids) => new() { ["new"] = new JsonArray([.. ids.Select(i => (JsonNode?)i)]) };

    private static FieldErrors? Confirmation(GdprRequest request, GdprErasurePlan plan, GdprErasureInput input)
    {
        var email = GdprRequestChecks.Clean(input.ConfirmEmail);
        if (email is not null)
        {
            return request.Email is not null && string.Equals(email, request.Email.Trim(), StringComparison.OrdinalIgnoreCase)
                ? null
                : new FieldErrors().Add("confirmEmail", "That is not the email address of this request: type it exactly as the request shows it.");
        }

        if (input.ConfirmCount is { } count)
        {
            return count == plan.Total
                ? null
                : new FieldErrors().Add("confirmCount", $"The erasure now covers {plan.Total} record{(plan.Total == 1 ? "" : "s")}, not {count}: look at what will be erased again.");
        }

        return new FieldErrors().Add(request.Email is null ? "confirmCount" : "confirmEmail",
            request.Email is null
                ? "Confirm the erasure with the number of records it covers."
                : "Type the person's email address to confirm the erasure.");
    }

    /// <summary>The records found, narrowed to what the erasure changes (a record already erased has nothing left to erase).</summary>
    private sealed record Found(
        IReadOnlyList<string> Addresses, List<int> Contacts, List<int> Leads, List<int> Companies, List<int> LoggedEmails, List<int> Memos, List<int> Files,
        List<int> OptOuts, List<CustomFieldValue> CustomValues, Dictionary<int, string> CustomFieldTypeOf);

    private async Task<(GdprErasurePlan Plan, Found Found)> PlanAsync(GdprRequest request, CancellationToken cancellationToken)
    {
        var keys = await GdprPersonSearch.FindAsync(db, request, cancellationToken);
        var contactKey = CrmModules.Contacts.Key;
        var leadKey = CrmModules.Leads.Key;
        // The addresses to scrub: the request's, and those of the person's contacts and leads (a request may name only the record).
        var ownAddresses = (await db.Contacts.AsNoTracking().Where(c => keys.Contacts.Contains(c.Id) && c.Email != null).Select(c => c.Email!).ToListAsync(cancellationToken))
            .Concat(await db.Leads.AsNoTracking().Where(l => keys.Leads.Contains(l.Id) && l.Email != null).Select(l => l.Email!).ToListAsync(cancellationToken));
        List<string> email = [.. new[] { keys.Email }.Concat(ownAddresses).OfType<string>().Select(Unsubscribe.Normalise)
            .Where(a => a.Length > 0 && !a.Equals(Erased, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal)];

        var customValues = await db.Set<CustomFieldValue>().AsNoTracking()
            .Where(v => (v.Module == contactKey && keys.Contacts.Contains(v.RecordId)) || (v.Module == leadKey && keys.Leads.Contains(v.RecordId)))
            .OrderBy(v => v.Id).ToListAsync(cancellationToken);
        var fieldIds = customValues.Select(v => v.FieldId).Distinct().ToList();
        var customFields = await db.Set<CustomField>().AsNoTracking().Where(f => fieldIds.Contains(f.Id)).ToDictionaryAsync(f => f.Id, cancellationToken);
        // A text value already erased has nothing left; any other kind is removed, so it is never left over.
        customValues = [.. customValues.Where(v => !(v.TextValue ?? v.LongTextValue ?? "").Equals(Erased, StringComparison.Ordinal) || v.NumberValue is not null || v.DateValue is not null)];
        string[] CustomOf(string module, int recordId) =>
            [.. customValues.Where(v => v.Module == module && v.RecordId == recordId).Select(v => customFields.TryGetValue(v.FieldId, out var f) ? f.Label : $"custom field {v.FieldId}")];

        var contacts = (await db.Contacts.AsNoTracking().Where(c => keys.Contacts.Contains(c.Id)).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Title }).ToListAsync(cancellationToken))
            .Select(c => new GdprErasureRecord(c.Id, Name(c.FirstName, c.LastName, c.Email), $"/{contactKey}/{c.Id}",
                [.. Present(("First name", c.FirstName), ("Last name", c.LastName), ("Email", c.Email), ("Phone", c.Phone), ("Title", c.Title)), .. CustomOf(contactKey, c.Id)]))
            .Where(r => r.Erased.Count > 0).ToList();
        var leads = (await db.Leads.AsNoTracking().Where(l => keys.Leads.Contains(l.Id)).OrderBy(l => l.Id)
            .Select(l => new { l.Id, l.FirstName, l.LastName, l.Email, l.Phone, l.Notes }).ToListAsync(cancellationToken))
            .Select(l => new GdprErasureRecord(l.Id, Name(l.FirstName, l.LastName, l.Email), $"/{leadKey}/{l.Id}",
                [.. Present(("First name", l.FirstName), ("Last name", l.LastName), ("Email", l.Email), ("Phone", l.Phone), ("Notes", l.Notes)), .. CustomOf(leadKey, l.Id)]))
            .Where(r => r.Erased.Count > 0).ToList();
        var companies = await db.Companies.AsNoTracking().Where(c => keys.Companies.Contains(c.Id)).OrderBy(c => c.Id)
            .Select(c => new GdprErasureRecord(c.Id, c.Name, "/" + CrmModules.Companies.Key + "/" + c.Id, s_email)).ToListAsync(cancellationToken);
        var emails = (await db.LoggedEmails.AsNoTracking().Where(e => keys.LoggedEmails.Contains(e.Id)).OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.Subject, e.Body, e.From, e.To, e.SentAt }).ToListAsync(cancellationToken))
            .Where(e => e.Subject != Erased || e.Body != Erased || TrailRedaction.ScrubText(e.From, email) != e.From || TrailRedaction.ScrubText(e.To, email) != e.To)
            .Select(e => new GdprErasureRecord(e.Id, $"{e.Subject} ({e.SentAt:yyyy-MM-dd})", $"/{CrmModules.Emails.Key}/{e.Id}",
                ["The address in From and To", "Subject", "Body"])).ToList();
        var memos = (await db.Memos.AsNoTracking().Where(m => keys.Memos.Contains(m.Id)).OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.Title, m.Body }).ToListAsync(cancellationToken))
            .Where(m => TrailRedaction.ScrubText(m.Title, email) != m.Title || TrailRedaction.ScrubText(m.Body, email) != m.Body)
            .Select(m => new GdprErasureRecord(m.Id, TrailRedaction.ScrubText(m.Title, email), $"/{CrmModules.Memos.Key}/{m.Id}", ["Mentions of the address"])).ToList();
        var emailIds = emails.Select(e => e.Id).ToList();
        var personal = new[] { contactKey, leadKey, CrmModules.Emails.Key };
        var files = await db.FileObjects.AsNoTracking().Where(f => keys.Files.Contains(f.Id) && personal.Contains(f.RelatedModule)).OrderBy(f => f.Id)
            .Select(f => new GdprErasureRecord(f.Id, f.Name + " (on " + f.RelatedModule + " ID " + f.RelatedId + ")", "/" + CrmModules.Files.Key + "/" + f.Id, s_file))
            .ToListAsync(cancellationToken);
        var optOuts = await db.MailingOptOuts.AsNoTracking().Where(o => keys.OptOuts.Contains(o.Id) || email.Contains(o.Email)).OrderBy(o => o.Id)
            .Select(o => new GdprErasureRecord(o.Id, "Unsubscribed since " + o.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null, s_optOut))
            .ToListAsync(cancellationToken);

        var found = new Found(email, [.. contacts.Select(r => r.Id)], [.. leads.Select(r => r.Id)], [.. companies.Select(r => r.Id)], emailIds,
            [.. memos.Select(r => r.Id)], [.. files.Select(r => r.Id)], [.. optOuts.Select(r => r.Id)],
            [.. customValues.Where(v => (v.Module == contactKey && contacts.Any(c => c.Id == v.RecordId)) || (v.Module == leadKey && leads.Any(l => l.Id == v.RecordId)))],
            customFields.ToDictionary(f => f.Key, f => f.Value.Type));
        var history = await CountHistoryAsync(found, cancellationToken);
        var deals = await db.Deals.AsNoTracking().CountAsync(d => d.ContactId != null && found.Contacts.Contains(d.ContactId.Value), cancellationToken);

        IReadOnlyList<GdprErasureGroup> groups =
        [
            new("contacts", "Contacts", "Personal fields replaced by [DELETED]", contacts),
            new("leads", "Leads", "Personal fields replaced by [DELETED]", leads),
            new("companies", "Companies with the address as their email", "Email replaced by [DELETED]", companies),
            new("emails", "Logged emails", "The address, subject and body replaced by [DELETED]", emails),
            new("memos", "Memos", "Mentions of the address replaced by [DELETED]; read the rest yourself", memos),
            new("files", "Files attached to the person's records", "Removed, with their stored content", files),
            new("opt-outs", "Unsubscribed from mailings", "The address replaced by its hash, so it stays unsubscribed", optOuts),
        ];
        List<string> kept =
        [
            $"{deals} deal{(deals == 1 ? "" : "s")} of these contacts, with amounts and dates (transactions the law requires you to keep).",
            $"{keys.MailingBindings.Count} mailing recipient binding{(keys.MailingBindings.Count == 1 ? "" : "s")} (they hold no address; the records they bind are anonymised).",
            "The request itself, with the address as the person gave it: the proof that the request was answered.",
        ];
        return (new GdprErasurePlan(request.Id, keys.Email, request.Status, groups, history, kept), found);
    }

    private static string Name(string first, string last, string? email) => $"{first} {last}".Trim() + (email is null ? "" : $" <{email}>");

    private static IEnumerable<string> Present(params (string Label, string? Value)[] fields) =>
        fields.Where(f => f.Value is not null && f.Value != Erased).Select(f => f.Label);

    /// <summary>The kinds of history the erasure reads: entity type, ids, which fields it erases whole, and whether the label goes too.</summary>
    private static IEnumerable<(string Type, IReadOnlyList<string> Ids, Func<string, bool> Whole, bool Label)> Histories(Found found)
    {
        static List<string> Text(IEnumerable<int> ids) => [.. ids.Select(i => i.ToString(CultureInfo.InvariantCulture))];
        static bool Custom(string field) => field.StartsWith(CustomFieldValues.Prefix + ".", StringComparison.Ordinal);
        yield return (CrmModules.Contacts.Key, Text(found.Contacts), f => s_contactFields.Contains(f) || Custom(f), true);
        yield return (CrmModules.Leads.Key, Text(found.Leads), f => s_leadFields.Contains(f) || Custom(f), true);
        yield return (CrmModules.Companies.Key, Text(found.Companies), f => f == "email", false);
        yield return (CrmModules.Emails.Key, Text(found.LoggedEmails), f => s_emailFields.Contains(f), true);
        yield return (CrmModules.Memos.Key, Text(found.Memos), _ => false, false);
        yield return (CrmModules.Files.Key, Text(found.Files), f => f == "name", true);
        yield return (AuditNames.EntityType(typeof(MailingOptOut)), Text(found.OptOuts), f => f == "email", false);
        yield return (AuditNames.EntityType(typeof(CustomFieldValue)), [.. found.CustomValues.Select(v => v.Id.ToString(CultureInfo.InvariantCulture))],
            f => f is "textValue" or "longTextValue" or "numberValue" or "dateValue", false);
    }

    private async Task<int> CountHistoryAsync(Found found, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var (type, ids, _, _) in Histories(found))
        {
            if (ids.Count > 0)
            {
                count += await db.AuditEntries.CountAsync(e => e.EntityType == type && ids.Contains(e.EntityId), cancellationToken);
            }
        }

        return count + (await AdminOnlyNotesAsync(found, cancellationToken)).Count;
    }

    /// <summary>Changes of admin-only custom fields, written under the field (module, record, key), for the person's records.</summary>
    private async Task<List<AuditEntry>> AdminOnlyNotesAsync(Found found, CancellationToken cancellationToken)
    {
        if (found.Contacts.Count == 0 && found.Leads.Count == 0)
        {
            return [];
        }

        var notes = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "custom-field" && e.Action == "value-changed").ToListAsync(cancellationToken);
        return [.. notes.Where(e =>
        {
            var changes = JsonNode.Parse(e.Changes) as JsonObject;
            var module = changes?["module"]?.GetValue<string>();
            var recordId = changes?["recordId"]?.GetValue<int>() ?? 0;
            return (module == CrmModules.Contacts.Key && found.Contacts.Contains(recordId)) || (module == CrmModules.Leads.Key && found.Leads.Contains(recordId));
        })];
    }

    private async Task<List<TrailRewrite>> RedactHistoryAsync(Found found, string marker, CancellationToken cancellationToken)
    {
        var rewrites = new List<TrailRewrite>();
        void Add(AuditEntry entry, Func<string, bool> whole, bool label)
        {
            var newLabel = label ? Erased : TrailRedaction.ScrubText(entry.Label, found.Addresses);
            var changes = TrailRedaction.Redact(entry.Changes, whole, found.Addresses, marker);
            if (changes is null && newLabel != entry.Label)
            {
                // Only the label holds the person: the entry is still marked, so the verifier knows why it changed.
                changes = TrailRedaction.Redact(entry.Changes, _ => false, [], marker) ?? Marked(entry.Changes, marker);
            }

            if (changes is not null)
            {
                rewrites.Add(new TrailRewrite(entry, changes, newLabel));
            }
        }

        foreach (var (type, ids, whole, label) in Histories(found))
        {
            if (ids.Count > 0)
            {
                foreach (var entry in await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == type && ids.Contains(e.EntityId)).OrderBy(e => e.Id).ToListAsync(cancellationToken))
                {
                    Add(entry, whole, label);
                }
            }
        }

        foreach (var entry in await AdminOnlyNotesAsync(found, cancellationToken))
        {
            Add(entry, f => f is not ("module" or "recordId"), false);
        }

        return rewrites;
    }

    private static string Marked(string changes, string marker)
    {
        var root = JsonNode.Parse(changes) as JsonObject ?? [];
        root[AuditChain.RedactedMarker] = new JsonObject { ["new"] = marker };
        return root.ToJsonString();
    }

    /// <summary>Writes the anonymised values through the database (no save use case, no ordinary "updated" entry with the old values); returns the files removed.</summary>
    private async Task<int> AnonymiseAsync(Found found, DateTime now, CancellationToken cancellationToken)
    {
        var email = found.Addresses;
        if (found.Contacts.Count > 0)
        {
            await db.Contacts.Where(c => found.Contacts.Contains(c.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.FirstName, Erased).SetProperty(c => c.LastName, Erased)
                .SetProperty(c => c.Email, c => c.Email == null ? null : Erased)
                .SetProperty(c => c.Phone, c => c.Phone == null ? null : Erased)
                .SetProperty(c => c.Title, c => c.Title == null ? null : Erased)
                .SetProperty(c => c.ModifiedAt, now).SetProperty(c => c.Version, c => c.Version + 1), cancellationToken);
        }

        if (found.Leads.Count > 0)
        {
            await db.Leads.Where(l => found.Leads.Contains(l.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(l => l.FirstName, Erased).SetProperty(l => l.LastName, Erased)
                .SetProperty(l => l.Email, l => l.Email == null ? null : Erased)
                .SetProperty(l => l.Phone, l => l.Phone == null ? null : Erased)
                .SetProperty(l => l.Notes, l => l.Notes == null ? null : Erased)
                .SetProperty(l => l.ModifiedAt, now).SetProperty(l => l.Version, l => l.Version + 1), cancellationToken);
        }

        var textValues = found.CustomValues.Where(v => found.CustomFieldTypeOf.TryGetValue(v.FieldId, out var type) && s_textTypes.Contains(type)).Select(v => v.Id).ToList();
        var otherValues = found.CustomValues.Select(v => v.Id).Except(textValues).ToList();
        if (textValues.Count > 0)
        {
            await db.Set<CustomFieldValue>().Where(v => textValues.Contains(v.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(v => v.TextValue, v => v.TextValue == null ? null : Erased)
                .SetProperty(v => v.LongTextValue, v => v.LongTextValue == null ? null : Erased), cancellationToken);
        }

        if (otherValues.Count > 0)
        {
            await db.Set<CustomFieldValue>().Where(v => otherValues.Contains(v.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        if (found.Companies.Count > 0)
        {
            await db.Companies.Where(c => found.Companies.Contains(c.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Email, Erased).SetProperty(c => c.ModifiedAt, now).SetProperty(c => c.Version, c => c.Version + 1), cancellationToken);
        }

        foreach (var logged in await db.LoggedEmails.AsNoTracking().Where(e => found.LoggedEmails.Contains(e.Id)).Select(e => new { e.Id, e.From, e.To }).ToListAsync(cancellationToken))
        {
            var from = TrailRedaction.ScrubText(logged.From, email);
            var to = TrailRedaction.ScrubText(logged.To, email);
            await db.LoggedEmails.Where(e => e.Id == logged.Id).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.From, from).SetProperty(e => e.To, to).SetProperty(e => e.Subject, Erased).SetProperty(e => e.Body, Erased)
                .SetProperty(e => e.ModifiedAt, now).SetProperty(e => e.Version, e => e.Version + 1), cancellationToken);
        }

        foreach (var memo in await db.Memos.AsNoTracking().Where(m => found.Memos.Contains(m.Id)).Select(m => new { m.Id, m.Title, m.Body }).ToListAsync(cancellationToken))
        {
            var title = TrailRedaction.ScrubText(memo.Title, email);
            var body = TrailRedaction.ScrubText(memo.Body, email);
            await db.Memos.Where(m => m.Id == memo.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Title, title).SetProperty(m => m.Body, body)
                .SetProperty(m => m.ModifiedAt, now).SetProperty(m => m.Version, m => m.Version + 1), cancellationToken);
        }

        var files = await db.FileObjects.AsNoTracking().Where(f => found.Files.Contains(f.Id)).Select(f => new { f.Id, f.Sha256 }).ToListAsync(cancellationToken);
        if (files.Count > 0)
        {
            var hashes = files.Select(f => f.Sha256).Distinct().ToList();
            await db.FileObjects.Where(f => found.Files.Contains(f.Id)).ExecuteDeleteAsync(cancellationToken);
            var stillUsed = await db.FileObjects.AsNoTracking().Where(f => hashes.Contains(f.Sha256)).Select(f => f.Sha256).Distinct().ToListAsync(cancellationToken);
            var released = hashes.Except(stillUsed, StringComparer.Ordinal).ToList();
            await db.StoredFiles.Where(s => released.Contains(s.Sha256)).ExecuteDeleteAsync(cancellationToken);
            releases.Add(released);
        }

        foreach (var optOut in await db.MailingOptOuts.AsNoTracking().Where(o => found.OptOuts.Contains(o.Id)).ToListAsync(cancellationToken))
        {
            // One opt-out per stored form: if the hash is there already (an earlier erasure), the address row just goes.
            var hashed = MailingOptOut.Hashed(optOut.Email);
            if (await db.MailingOptOuts.AnyAsync(o => o.Email == hashed, cancellationToken))
            {
                await db.MailingOptOuts.Where(o => o.Id == optOut.Id).ExecuteDeleteAsync(cancellationToken);
            }
            else
            {
                await db.MailingOptOuts.Where(o => o.Id == optOut.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Email, hashed), cancellationToken);
            }
        }

        return files.Count;
    }
}
