namespace Crm.Web.Security.Permissions;

/// <summary>
/// How far a grant reaches. Cumulative: each scope includes the narrower ones, so "the widest
/// grant" is simply the maximum.
/// </summary>
public enum Scope
{
    None = 0,
    Own = 1,
    Subordinates = 2,
    Department = 3,
    All = 4,
}
