using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Departments;

/// <summary>Every department in tree order, with its path and member count.</summary>
public sealed class ListDepartments(CrmDb db)
{
    public async Task<Result<IReadOnlyList<DepartmentView>>> RunAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<IReadOnlyList<DepartmentView>>.Forbidden(DepartmentMessages.AdministratorsOnly);
        }

        var tree = await DepartmentTree.LoadAsync(db, cancellationToken);
        return Result<IReadOnlyList<DepartmentView>>.Ok(tree.InTreeOrder());
    }
}

internal static class DepartmentMessages
{
    public const string AdministratorsOnly = "Only administrators manage departments.";
    public const string NotInPreview = "Nothing can be changed while previewing the CRM as another user.";
}
