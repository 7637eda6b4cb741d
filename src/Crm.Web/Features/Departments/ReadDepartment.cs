using Crm.Web.Data;
using Crm.Web.Security;
using Crm.Web.Web;

namespace Crm.Web.Features.Departments;

/// <summary>One department with its place in the tree.</summary>
public sealed class ReadDepartment(CrmDb db)
{
    public async Task<Result<DepartmentView>> RunAsync(Actor actor, int id, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<DepartmentView>.Forbidden(DepartmentMessages.AdministratorsOnly);
        }

        var tree = await DepartmentTree.LoadAsync(db, cancellationToken);
        return tree.Find(id) is { } department ? Result<DepartmentView>.Ok(department) : Result<DepartmentView>.NotFound();
    }
}
