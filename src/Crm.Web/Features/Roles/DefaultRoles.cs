namespace Crm.Web.Features.Roles;

public static class DefaultRoles
{
    /// <summary>The built-in role created by the Organisation migration; every existing user starts in it.</summary>
    public const int AdministratorRoleId = 1;
}
