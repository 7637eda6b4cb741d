using System.Security.Cryptography;
using Crm.Web.Data;
using Crm.Web.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Mailings;

/// <summary>
/// The unsubscribe link of every mailing message: a Data Protection token (encrypted and signed,
/// so unguessable and unforgeable) naming the address. Following it records an opt-out by address,
/// which every later mailing skips. Anonymous by nature: the recipient has no account.
/// </summary>
public sealed class Unsubscribe(CrmDb db, IDataProtectionProvider protection, TimeProvider clock)
{
    public const string TokenPurpose = "Crm.Mailings.Unsubscribe";

    private readonly IDataProtector _tokens = protection.CreateProtector(TokenPurpose);

    public string TokenFor(string email) => _tokens.Protect(Normalise(email));

    public static string Normalise(string email) => email.Trim().ToLowerInvariant();

    /// <summary>The address a token names, or null for a token this instance did not issue.</summary>
    public string? AddressOf(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2000)
        {
            return null;
        }

        try
        {
            return _tokens.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Records the opt-out (once per address); returns the address.</summary>
    public async Task<Result<string>> RunAsync(string? token, CancellationToken cancellationToken)
    {
        if (AddressOf(token) is not { } email)
        {
            return Result<string>.Invalid("token", "This unsubscribe link is not valid. Use the link from the email exactly as it was sent.");
        }

        var hashed = MailingOptOut.Hashed(email);
        if (!await db.MailingOptOuts.AnyAsync(o => o.Email == email || o.Email == hashed, cancellationToken))
        {
            db.MailingOptOuts.Add(new MailingOptOut { Email = email, CreatedAt = clock.GetUtcNow().UtcDateTime });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same link followed twice at once: the other request recorded it; anything else is a bug.
                if (!await db.MailingOptOuts.AsNoTracking().AnyAsync(o => o.Email == email, cancellationToken))
                {
                    throw;
                }
            }
        }

        return Result<string>.Ok(email);
    }
}
