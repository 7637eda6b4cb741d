using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Account;

/// <summary>
/// Tokens for the "choose your password" link of a new account: like reset tokens (bound to the
/// security stamp, so single-use) but valid for 72 hours, as a welcome email may wait a weekend.
/// </summary>
public sealed class SetPasswordTokens(
    IDataProtectionProvider dataProtectionProvider,
    IOptions<SetPasswordTokenOptions> options,
    ILogger<DataProtectorTokenProvider<CrmUser>> logger)
    : DataProtectorTokenProvider<CrmUser>(dataProtectionProvider, options, logger)
{
    public const string ProviderName = "SetPassword";
    public const string Purpose = "SetPassword";
}

public sealed class SetPasswordTokenOptions : DataProtectionTokenProviderOptions
{
    public SetPasswordTokenOptions()
    {
        Name = SetPasswordTokens.ProviderName;
        TokenLifespan = TimeSpan.FromHours(72);
    }
}
