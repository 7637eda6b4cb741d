using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Users;

/// <summary>The rule every user change keeps: the CRM never loses its last active administrator.</summary>
public static class Administrators
{
    public static Task<bool> AnyOtherActiveAsync(CrmDb db, Guid userId, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.IsAdministrator && u.IsActive && u.Id != userId, cancellationToken);
}
