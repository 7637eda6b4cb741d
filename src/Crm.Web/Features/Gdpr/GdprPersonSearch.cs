using Crm.Web.Data;
using Crm.Web.Features.Audit;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>The IDs of every record about the person, by kind; what find shows and export writes.</summary>
internal sealed record GdprPersonKeys(
    string? Email,
    IReadOnlyList<int> Contacts, IReadOnlyList<int> Leads, IReadOnlyList<int> Companies,
    IReadOnlyList<int> LoggedEmails, IReadOnlyList<int> Memos, IReadOnlyList<int> Files,
    IReadOnlyList<int> MailingBindings, IReadOnlyList<int> OptOuts)
{
    /// <summary>The records whose history belongs to the person, as the audit trail names them (module key, ID as text).</summary>
    public IEnumerable<(string Module, IReadOnlyList<string> Ids)> Histories()
    {
        yield return (CrmModules.Contacts.Key, Text(Contacts));
        yield return (CrmModules.Leads.Key, Text(Leads));
        yield return (CrmModules.Companies.Key, Text(Companies));
        yield return (CrmModules.Emails.Key, Text(LoggedEmails));
        yield return (CrmModules.Memos.Key, Text(Memos));
        yield return (CrmModules.Files.Key, Text(Files));
    }

    private static List<string> Text(IReadOnlyList<int> ids) => [.. ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>
/// Finds the person everywhere the CRM keeps them: contacts and leads with the address (or the one
/// chosen), companies whose email is the address, logged emails sent from or to it or logged
/// against those contacts and leads, memos mentioning it or about those records, the files attached
/// to any of these, the mailing recipient bindings of the contacts, leads and companies, and an
/// unsubscription of the address. Administrators only (the callers check), so no row filter applies.
/// Addresses match whole and case-insensitively: "ann@x.com" does not find "joann@x.com".
/// </summary>
internal static class GdprPersonSearch
{
    public static async Task<GdprPersonKeys> FindAsync(CrmDb db, GdprRequest request, CancellationToken cancellationToken)
    {
        var email = request.Email?.Trim().ToLowerInvariant();
        var contacts = new SortedSet<int>();
        var leads = new SortedSet<int>();
        var companies = new SortedSet<int>();
        var loggedEmails = new SortedSet<int>();
        var memos = new SortedSet<int>();

        if (request.PersonId is { } personId)
        {
            if (request.PersonModule == CrmModules.Contacts.Key && await db.Contacts.AnyAsync(c => c.Id == personId, cancellationToken))
            {
                contacts.Add(personId);
            }
            else if (request.PersonModule == CrmModules.Leads.Key && await db.Leads.AnyAsync(l => l.Id == personId, cancellationToken))
            {
                leads.Add(personId);
            }
        }

#pragma warning disable CA1304, CA1311, CA1862 // Translated to SQL lower(...) LIKE (the trigram indexes of the text search on PostgreSQL); the exact match follows in memory.
        if (email is not null)
        {
            foreach (var c in await db.Contacts.AsNoTracking().Where(c => c.Email != null && c.Email.ToLower().Contains(email)).Select(c => new { c.Id, c.Email }).ToListAsync(cancellationToken))
            {
                if (Same(c.Email, email))
                {
                    contacts.Add(c.Id);
                }
            }

            foreach (var l in await db.Leads.AsNoTracking().Where(l => l.Email != null && l.Email.ToLower().Contains(email)).Select(l => new { l.Id, l.Email }).ToListAsync(cancellationToken))
            {
                if (Same(l.Email, email))
                {
                    leads.Add(l.Id);
                }
            }

            foreach (var c in await db.Companies.AsNoTracking().Where(c => c.Email != null && c.Email.ToLower().Contains(email)).Select(c => new { c.Id, c.Email }).ToListAsync(cancellationToken))
            {
                if (Same(c.Email, email))
                {
                    companies.Add(c.Id);
                }
            }

            foreach (var e in await db.LoggedEmails.AsNoTracking().Where(e => e.From.ToLower().Contains(email) || e.To.ToLower().Contains(email))
                .Select(e => new { e.Id, e.From, e.To }).ToListAsync(cancellationToken))
            {
                if (Mentions(e.From, email) || Mentions(e.To, email))
                {
                    loggedEmails.Add(e.Id);
                }
            }

            foreach (var m in await db.Memos.AsNoTracking().Where(m => m.Title.ToLower().Contains(email) || m.Body.ToLower().Contains(email))
                .Select(m => new { m.Id, m.Title, m.Body }).ToListAsync(cancellationToken))
            {
                if (Mentions(m.Title, email) || Mentions(m.Body, email))
                {
                    memos.Add(m.Id);
                }
            }
        }
#pragma warning restore CA1304, CA1311, CA1862

        // What was logged against the person's own records belongs to them too.
        var contactKey = CrmModules.Contacts.Key;
        var leadKey = CrmModules.Leads.Key;
        var contactIds = contacts.ToList();
        var leadIds = leads.ToList();
        loggedEmails.UnionWith(await db.LoggedEmails.AsNoTracking()
            .Where(e => (e.RelatedModule == contactKey && contactIds.Contains(e.RelatedId ?? 0)) || (e.RelatedModule == leadKey && leadIds.Contains(e.RelatedId ?? 0)))
            .Select(e => e.Id).ToListAsync(cancellationToken));
        memos.UnionWith(await db.Memos.AsNoTracking()
            .Where(m => (m.RelatedModule == contactKey && contactIds.Contains(m.RelatedId ?? 0)) || (m.RelatedModule == leadKey && leadIds.Contains(m.RelatedId ?? 0)))
            .Select(m => m.Id).ToListAsync(cancellationToken));

        var companyKey = CrmModules.Companies.Key;
        var emailKey = CrmModules.Emails.Key;
        var companyIds = companies.ToList();
        var emailIds = loggedEmails.ToList();
        var files = await db.FileObjects.AsNoTracking()
            .Where(f => (f.RelatedModule == contactKey && contactIds.Contains(f.RelatedId))
                || (f.RelatedModule == leadKey && leadIds.Contains(f.RelatedId))
                || (f.RelatedModule == companyKey && companyIds.Contains(f.RelatedId))
                || (f.RelatedModule == emailKey && emailIds.Contains(f.RelatedId)))
            .OrderBy(f => f.Id).Select(f => f.Id).ToListAsync(cancellationToken);
        var bindings = await db.MassContacts.AsNoTracking()
            .Where(b => (b.Module == contactKey && contactIds.Contains(b.RecordId))
                || (b.Module == leadKey && leadIds.Contains(b.RecordId))
                || (b.Module == companyKey && companyIds.Contains(b.RecordId)))
            .OrderBy(b => b.Id).Select(b => b.Id).ToListAsync(cancellationToken);
        var optOuts = email is null ? [] : await db.MailingOptOuts.AsNoTracking().Where(o => o.Email == email).Select(o => o.Id).ToListAsync(cancellationToken);

        return new GdprPersonKeys(email, [.. contacts], [.. leads], [.. companies], [.. loggedEmails], [.. memos], files, bindings, optOuts);
    }

    /// <summary>The history entries of the person's records, oldest first (one indexed query per kind of record).</summary>
    public static async Task<List<AuditEntry>> HistoryAsync(CrmDb db, GdprPersonKeys keys, CancellationToken cancellationToken)
    {
        var entries = new List<AuditEntry>();
        foreach (var (module, ids) in keys.Histories())
        {
            if (ids.Count > 0)
            {
                entries.AddRange(await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == module && ids.Contains(e.EntityId)).ToListAsync(cancellationToken));
            }
        }

        return [.. entries.OrderBy(e => e.Id)];
    }

    public static async Task<int> HistoryCountAsync(CrmDb db, GdprPersonKeys keys, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var (module, ids) in keys.Histories())
        {
            if (ids.Count > 0)
            {
                count += await db.AuditEntries.CountAsync(e => e.EntityType == module && ids.Contains(e.EntityId), cancellationToken);
            }
        }

        return count;
    }

    private static bool Same(string? value, string email) => string.Equals(value?.Trim(), email, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="text"/> holds <paramref name="email"/> as a whole address, not inside a longer one.</summary>
    internal static bool Mentions(string? text, string email)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        for (var at = text.IndexOf(email, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(email, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + email.Length;
            var before = at == 0 || !IsAddressChar(text[at - 1]);
            var after = end == text.Length || !(IsAddressChar(text[end]) && !(text[end] == '.' && (end + 1 == text.Length || !char.IsLetterOrDigit(text[end + 1]))));
            if (before && after)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAddressChar(char c) => char.IsLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';
}
