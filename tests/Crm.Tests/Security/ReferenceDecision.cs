using Crm.Web.Security.Permissions;

namespace Crm.Tests.Security;

/// <summary>
/// The permission rules written a second time, as plainly as possible and without the engine's
/// code, with the memo rules spelled out. The tests check the engine against it case by case.
/// </summary>
internal static class ReferenceDecision
{
    public static Scope ScopeOf(PermissionSubject s, string module, string action)
    {
        if (s.IsAdministrator)
        {
            return Scope.All;
        }

        var scope = Scope.None;
        var overrides = s.Overrides.Where(o => o.Module == module && o.Action == action).ToList();
        if (overrides.Count > 0)
        {
            scope = overrides.Max(o => o.Scope);
        }
        else
        {
            foreach (var g in s.RoleGrants.Where(g => g.Module == module && g.Action == action && g.Scope > scope))
            {
                scope = g.Scope;
            }

            foreach (var g in s.GroupGrants.Where(g => g.Module == module && g.Action == action && g.Scope > scope))
            {
                scope = g.Scope;
            }
        }

        var organisation = s.OrganisationDefaults.TryGetValue(module, out var d) ? d : OrganisationDefault.Private;
        if (action == "view" && organisation != OrganisationDefault.Private)
        {
            scope = Scope.All;
        }

        if (action == "edit" && organisation == OrganisationDefault.PublicReadWrite)
        {
            scope = Scope.All;
        }

        return scope;
    }

    public static bool Allows(PermissionSubject s, string module, string action, RecordFacts r)
    {
        if (s.IsAdministrator)
        {
            return true;
        }

        var me = s.UserId;
        var allowed = ScopeOf(s, module, action) switch
        {
            Scope.All => true,
            Scope.Department => r.OwnerId == me || s.SubordinateUserIds.Contains(r.OwnerId) || s.DepartmentIds.Contains(r.DepartmentId),
            Scope.Subordinates => r.OwnerId == me || s.SubordinateUserIds.Contains(r.OwnerId),
            Scope.Own => r.OwnerId == me,
            _ => false,
        };

        foreach (var share in r.Shares)
        {
            var toMe = (share.Target == ShareTarget.User && share.UserId == me)
                || (share.Target == ShareTarget.Group && s.GroupIds.Contains(share.GroupId!.Value))
                || (share.Target == ShareTarget.Department && s.DepartmentIds.Contains(share.DepartmentId!.Value));
            if (toMe && (action == "view" || (action == "edit" && share.Access == ShareAccess.Edit)))
            {
                allowed = true;
            }
        }

        if (module == "memos")
        {
            var author = r.Relations.TryGetValue("author", out var authors) && authors.Contains(me);
            var recipient = r.Relations.TryGetValue("recipient", out var recipients) && recipients.Contains(me);
            var reviewed = r.State.TryGetValue("stage", out var stage) && stage == "reviewed";
            if (author && action == "view")
            {
                allowed = true;
            }

            if (recipient && !reviewed && action == "review")
            {
                allowed = true;
            }

            if (author && reviewed && (action == "edit" || action == "delete"))
            {
                allowed = false;
            }
        }

        return allowed;
    }
}
