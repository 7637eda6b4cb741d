using System.Globalization;
using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>One record found about the person: what it is called and where it is (no link for what has no page).</summary>
public sealed record GdprFoundRecord(int Id, string Label, string? Link);

/// <summary>The records of one kind found about the person.</summary>
public sealed record GdprFoundGroup(string Kind, string Title, int Count, IReadOnlyList<GdprFoundRecord> Records);

/// <summary>Everything found about a request's person, shown before anything is exported (or erased).</summary>
public sealed record GdprFindings(int RequestId, string? Email, IReadOnlyList<GdprFoundGroup> Groups, int HistoryEntries)
{
    public int Total => Groups.Sum(g => g.Count);
}

/// <summary>Find the person of a request across the modules (administrators): counts, names and links per kind, and how many history entries come with them.</summary>
public sealed class FindGdprPerson(CrmDb db)
{
    public async Task<Result<GdprFindings>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (GdprRequestChecks.ReadRefusal(actor) is { } refusal)
        {
            return Result<GdprFindings>.Forbidden(refusal);
        }

        var request = await db.Set<GdprRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null)
        {
            return Result<GdprFindings>.NotFound();
        }

        var keys = await GdprPersonSearch.FindAsync(db, request, cancellationToken);
        var contacts = await db.Contacts.AsNoTracking().Where(c => keys.Contacts.Contains(c.Id)).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email }).ToListAsync(cancellationToken);
        var leads = await db.Leads.AsNoTracking().Where(l => keys.Leads.Contains(l.Id)).OrderBy(l => l.Id)
            .Select(l => new { l.Id, l.FirstName, l.LastName, l.Email }).ToListAsync(cancellationToken);
        var companies = await db.Companies.AsNoTracking().Where(c => keys.Companies.Contains(c.Id)).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken);
        var emails = await db.LoggedEmails.AsNoTracking().Where(e => keys.LoggedEmails.Contains(e.Id)).OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.Subject, e.SentAt }).ToListAsync(cancellationToken);
        var memos = await db.Memos.AsNoTracking().Where(m => keys.Memos.Contains(m.Id)).OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.Title }).ToListAsync(cancellationToken);
        var files = await db.FileObjects.AsNoTracking().Where(f => keys.Files.Contains(f.Id)).OrderBy(f => f.Id)
            .Select(f => new { f.Id, f.Name, f.RelatedModule, f.RelatedId }).ToListAsync(cancellationToken);
        var bindings = await db.MassContacts.AsNoTracking().Where(b => keys.MailingBindings.Contains(b.Id)).OrderBy(b => b.Id)
            .Join(db.SendingAccounts, b => b.SendingAccountId, a => a.Id, (b, a) => new { b.Id, b.Module, b.RecordId, a.FromAddress })
            .ToListAsync(cancellationToken);
        var optOuts = await db.MailingOptOuts.AsNoTracking().Where(o => keys.OptOuts.Contains(o.Id))
            .Select(o => new { o.Id, o.CreatedAt }).ToListAsync(cancellationToken);

        IReadOnlyList<GdprFoundGroup> groups =
        [
            Group("contacts", "Contacts", contacts.Select(c => Found(c.Id, $"{c.FirstName} {c.LastName}".Trim() + (c.Email is null ? "" : $" <{c.Email}>"), CrmModules.Contacts.Key))),
            Group("leads", "Leads", leads.Select(l => Found(l.Id, $"{l.FirstName} {l.LastName}".Trim() + (l.Email is null ? "" : $" <{l.Email}>"), CrmModules.Leads.Key))),
            Group("companies", "Companies with the address as their email", companies.Select(c => Found(c.Id, c.Name, CrmModules.Companies.Key))),
            Group("emails", "Logged emails", emails.Select(e => Found(e.Id, $"{e.Subject} ({e.SentAt:yyyy-MM-dd})", CrmModules.Emails.Key))),
            Group("memos", "Memos", memos.Select(m => Found(m.Id, m.Title, CrmModules.Memos.Key))),
            Group("files", "Files attached to these records", files.Select(f => Found(f.Id, $"{f.Name} (on {f.RelatedModule} ID {f.RelatedId})", CrmModules.Files.Key))),
            Group("mailing-bindings", "Mailing recipient bindings", bindings.Select(b =>
                new GdprFoundRecord(b.Id, $"{b.Module} ID {b.RecordId} is written to from {b.FromAddress}", $"/{b.Module}/{b.RecordId}"))),
            Group("opt-outs", "Unsubscribed from mailings", optOuts.Select(o =>
                new GdprFoundRecord(o.Id, $"{keys.Email} since {o.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}", null))),
        ];

        return Result<GdprFindings>.Ok(new GdprFindings(request.Id, keys.Email, groups, await GdprPersonSearch.HistoryCountAsync(db, keys, cancellationToken)));
    }

    private static GdprFoundRecord Found(int id, string label, string module) => new(id, label, $"/{module}/{id}");

    private static GdprFoundGroup Group(string kind, string title, IEnumerable<GdprFoundRecord> records)
    {
        var list = records.ToList();
        return new GdprFoundGroup(kind, title, list.Count, list);
    }
}
