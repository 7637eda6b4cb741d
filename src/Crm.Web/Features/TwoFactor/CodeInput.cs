using Crm.Web.Web;

namespace Crm.Web.Features.TwoFactor;

/// <summary>What a person types as a second factor, checked for shape before anything is verified, with a message that says what was expected.</summary>
public static class CodeInput
{
    public const string CodeShape = "The code from your authenticator app has 6 digits, like 123456.";

    /// <summary>An authenticator code: six digits, spaces allowed ("123 456" as apps show it).</summary>
    public static FieldErrors Authenticator(string? value, out string code, string field = "code")
    {
        code = new string((value ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        var errors = new FieldErrors();
        if (code.Length == 0)
        {
            errors.Add(field, "Enter the 6-digit code your authenticator app shows.");
        }
        else if (!TwoFactor.Authenticator.LooksLikeCode(code))
        {
            errors.Add(field, CodeShape);
        }

        return errors;
    }

    /// <summary>An authenticator code or a recovery code (16 letters and digits, hyphens optional).</summary>
    public static FieldErrors EitherCode(string? value, out string code, out bool isRecoveryCode, string field = "code")
    {
        code = RecoveryCodes.Normalise(value);
        isRecoveryCode = false;
        var errors = new FieldErrors();
        if (code.Length == 0)
        {
            errors.Add(field, "Enter the 6-digit code your authenticator app shows, or one of your recovery codes.");
        }
        else if (code.All(char.IsAsciiDigit))
        {
            if (code.Length != 6)
            {
                errors.Add(field, CodeShape);
            }
        }
        else if (RecoveryCodes.LooksLikeCode(code))
        {
            isRecoveryCode = true;
        }
        else
        {
            errors.Add(field, CodeShape + " A recovery code has 16 letters and digits, like 7K3M-Q9TZ-4HXB-W2RD.");
        }

        return errors;
    }
}
