using Microsoft.AspNetCore.Identity;

namespace Crm.Web.Features.Account;

/// <summary>
/// The password rules beyond Identity's length check: long passphrases welcome, no composition
/// rules, but none of the 10,000 most common passwords and not one's own email address.
/// </summary>
public sealed class PasswordPolicy : IPasswordValidator<CrmUser>
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 256;

    private static readonly Lazy<HashSet<string>> s_common = new(LoadCommonPasswords);

    public Task<IdentityResult> ValidateAsync(UserManager<CrmUser> manager, CrmUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        var errors = new List<IdentityError>();
        if (password.Length > MaximumLength)
        {
            errors.Add(new IdentityError { Code = "PasswordTooLong", Description = $"Passwords must be at most {MaximumLength} characters." });
        }

        if (IsCommon(password))
        {
            errors.Add(new IdentityError { Code = "PasswordTooCommon", Description = "This password is one of the most commonly used passwords; choose another." });
        }

        if (user.Email is { Length: > 0 } email && string.Equals(password.Trim(), email, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new IdentityError { Code = "PasswordIsEmail", Description = "Your password must not be your email address." });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    public static bool IsCommon(string password) => s_common.Value.Contains(password.Trim());

    private static HashSet<string> LoadCommonPasswords()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "Shipped", "common-passwords.txt");
        return new HashSet<string>(
            File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0),
            StringComparer.OrdinalIgnoreCase);
    }
}
