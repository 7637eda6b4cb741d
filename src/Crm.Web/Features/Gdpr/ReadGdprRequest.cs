using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Gdpr;

/// <summary>A request as the register shows it: its deadline, the days left and the overdue / due-soon flags of today.</summary>
public sealed record GdprRequestView(
    int Id, string Kind, string? Email, string? PersonModule, int? PersonId, string? PersonLabel,
    DateOnly ReceivedOn, Guid? ReceivedById, string? ReceivedByName, string Status, string? RefusalReason, string? Notes,
    DateOnly? ClosedOn, DateOnly Deadline, int DaysLeft, bool Overdue, bool DueSoon, DateTime CreatedAt)
{
    /// <summary>How the person is named: the email address, the record, or both.</summary>
    public string Person => (Email, PersonLabel) switch
    {
        ({ } email, { } label) => $"{label} <{email}>",
        ({ } email, null) => email,
        (null, { } label) => label,
        _ => PersonModule is null ? "(nobody)" : $"{PersonModule} ID {PersonId}",
    };
}

/// <summary>One request of the register (administrators).</summary>
public sealed class ReadGdprRequest(CrmDb db, GdprDeadlines deadlines)
{
    public async Task<Result<GdprRequestView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (GdprRequestChecks.ReadRefusal(actor) is { } refusal)
        {
            return Result<GdprRequestView>.Forbidden(refusal);
        }

        var request = await db.Set<GdprRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return request is null
            ? Result<GdprRequestView>.NotFound()
            : Result<GdprRequestView>.Ok((await ViewsAsync(db, [request], await deadlines.TodayAsync(cancellationToken), cancellationToken))[0]);
    }

    /// <summary>The views of <paramref name="requests"/>, with the receivers' and the records' names read in one query each.</summary>
    internal static async Task<IReadOnlyList<GdprRequestView>> ViewsAsync(CrmDb db, IReadOnlyList<GdprRequest> requests, DateOnly today, CancellationToken cancellationToken)
    {
        var userIds = requests.Where(r => r.ReceivedById is not null).Select(r => r.ReceivedById!.Value).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.FullName, u.Email }).ToListAsync(cancellationToken);
        var contactIds = requests.Where(r => r.PersonModule == CrmModules.Contacts.Key).Select(r => r.PersonId ?? 0).Distinct().ToList();
        var leadIds = requests.Where(r => r.PersonModule == CrmModules.Leads.Key).Select(r => r.PersonId ?? 0).Distinct().ToList();
        var contacts = await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id))
            .Select(c => new { c.Id, Name = c.FirstName + " " + c.LastName }).ToDictionaryAsync(c => c.Id, c => c.Name.Trim(), cancellationToken);
        var leads = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id))
            .Select(l => new { l.Id, Name = l.FirstName + " " + l.LastName }).ToDictionaryAsync(l => l.Id, l => l.Name.Trim(), cancellationToken);

        return
        [
            .. requests.Select(r =>
            {
                var user = users.FirstOrDefault(u => u.Id == r.ReceivedById);
                var label = r.PersonId is { } personId
                    ? (r.PersonModule == CrmModules.Contacts.Key ? contacts : leads).GetValueOrDefault(personId)
                    : null;
                return new GdprRequestView(r.Id, r.Kind, r.Email, r.PersonModule, r.PersonId, label, r.ReceivedOn, r.ReceivedById,
                    user is null ? null : string.IsNullOrWhiteSpace(user.FullName) ? user.Email : user.FullName,
                    r.Status, r.RefusalReason, r.Notes, r.ClosedOn, r.Deadline, GdprDeadlines.DaysLeft(r, today),
                    GdprDeadlines.IsOverdue(r, today), GdprDeadlines.IsDueSoon(r, today), r.CreatedAt);
            }),
        ];
    }
}
