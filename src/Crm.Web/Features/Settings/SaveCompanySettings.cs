using Crm.Web.Data;
using Crm.Web.Features.Activity;
using Crm.Web.Security;
using Crm.Web.Web;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Settings;

/// <summary>
/// What to do with one image: keep it (nothing uploaded), replace it with <c>Bytes</c>, or remove
/// it. <c>Length</c> is the uploaded size; an upload over the limit arrives without its bytes.
/// </summary>
public sealed record ImageChange(byte[]? Bytes, long Length, bool Remove)
{
    public static readonly ImageChange Keep = new(null, 0, false);

    public bool Uploaded => Length > 0;
}

public sealed record CompanySettingsInput(string? Name, string? Address, int? DocumentLogoWidth, ImageChange LogoLight, ImageChange LogoDark, ImageChange Favicon);

/// <summary>
/// Saves the company's name, address, document logo width and images. Logos are PNGs at most 300
/// pixels wide, the favicon a PNG of exactly 32×32, each at most 1 MB; a bad image is refused with
/// its reason and nothing changes, so the previous logo stays.
/// </summary>
public sealed class SaveCompanySettings(CrmDb db, ActivityLog activity, TimeProvider clock)
{
    public const int NameMaxLength = 200;
    public const int AddressMaxLength = 1000;
    public const int LogoMaxWidth = 300;
    public const int FaviconSize = 32;
    public const int DocumentLogoMinWidth = 50;
    public const int DocumentLogoMaxWidth = 600;

    public async Task<Result<CompanySettingsView>> RunAsync(Actor actor, CompanySettingsInput input, CancellationToken cancellationToken)
    {
        if (!actor.IsAdministrator)
        {
            return Result<CompanySettingsView>.Forbidden(SettingsMessages.AdministratorsOnly);
        }

        if (actor.IsPreview)
        {
            return Result<CompanySettingsView>.Forbidden(SettingsMessages.NotInPreview);
        }

        var name = input.Name?.Trim();
        var address = string.IsNullOrWhiteSpace(input.Address) ? null : input.Address.Trim().ReplaceLineEndings("\n");
        var errors = new FieldErrors()
            .Text("name", "Company name", name, NameMaxLength).PlainText("name", "Company name", name)
            .Text("address", "Address", address, AddressMaxLength, required: false).PlainText("address", "Address", address, singleLine: false);
        if (input.DocumentLogoWidth is { } width and (< DocumentLogoMinWidth or > DocumentLogoMaxWidth))
        {
            errors.Add("documentLogoWidth", $"Logo width on documents must be between {DocumentLogoMinWidth} and {DocumentLogoMaxWidth} pixels.");
        }

        CheckImage(errors, "logoLight", "The logo for light mode", input.LogoLight, exactSize: false);
        CheckImage(errors, "logoDark", "The logo for dark mode", input.LogoDark, exactSize: false);
        CheckImage(errors, "favicon", "The favicon", input.Favicon, exactSize: true);
        if (errors.Any)
        {
            return Result<CompanySettingsView>.Invalid(errors);
        }

        var row = await db.InstanceSettings.FirstOrDefaultAsync(s => s.Id == InstanceSettings.TheId, cancellationToken);
        if (row is null)
        {
            row = new InstanceSettings();
            db.InstanceSettings.Add(row);
        }

        var changes = new List<string>();
        if (!string.Equals(row.CompanyName, name, StringComparison.Ordinal))
        {
            changes.Add($"name '{row.CompanyName ?? ""}' → '{name}'");
        }

        if (!string.Equals(row.CompanyAddress, address, StringComparison.Ordinal))
        {
            changes.Add("address changed");
        }

        if (row.DocumentLogoWidth != input.DocumentLogoWidth)
        {
            changes.Add($"logo width on documents {Show(row.DocumentLogoWidth)} → {Show(input.DocumentLogoWidth)}");
        }

        row.CompanyName = name;
        row.CompanyAddress = address;
        row.DocumentLogoWidth = input.DocumentLogoWidth;
        var imagesChanged = Apply(input.LogoLight, row.LogoLight, b => row.LogoLight = b, "logo for light mode", changes)
            | Apply(input.LogoDark, row.LogoDark, b => row.LogoDark = b, "logo for dark mode", changes)
            | Apply(input.Favicon, row.Favicon, b => row.Favicon = b, "favicon", changes);
        if (imagesChanged)
        {
            row.BrandingVersion++;
        }

        if (changes.Count > 0)
        {
            row.ChangedAt = clock.GetUtcNow().UtcDateTime;
            activity.Record(actor, ActivityKinds.SettingsChanged, $"Changed the company settings: {string.Join("; ", changes)}.");
            await db.SaveChangesAsync(cancellationToken);
        }

        return Result<CompanySettingsView>.Ok(await ReadCompanySettings.ReadAsync(db, cancellationToken));
    }

    private static void CheckImage(FieldErrors errors, string field, string label, ImageChange change, bool exactSize)
    {
        if (!change.Uploaded)
        {
            return;
        }

        if (change.Remove)
        {
            errors.Add(field, $"{label}: either upload a new image or remove it, not both.");
            return;
        }

        if (change.Length > PngImage.MaxBytes || change.Bytes is null)
        {
            errors.Add(field, $"{label} must be at most 1 MB (this file is {Math.Ceiling(change.Length / 1024.0):0} KB).");
            return;
        }

        if (PngImage.ReadSize(change.Bytes) is not var (width, height))
        {
            errors.Add(field, $"{label} must be a PNG image; this file is not one.");
        }
        else if (exactSize && (width != FaviconSize || height != FaviconSize))
        {
            errors.Add(field, $"{label} must be exactly {FaviconSize}×{FaviconSize} pixels; this one is {width}×{height}.");
        }
        else if (!exactSize && width > LogoMaxWidth)
        {
            errors.Add(field, $"{label} must be at most {LogoMaxWidth} pixels wide; this one is {width} pixels wide.");
        }
    }

    private static bool Apply(ImageChange change, byte[]? current, Action<byte[]?> set, string label, List<string> changes)
    {
        if (change.Uploaded)
        {
            set(change.Bytes);
            changes.Add($"new {label} ({change.Bytes!.Length} bytes)");
            return true;
        }

        if (change.Remove && current is not null)
        {
            set(null);
            changes.Add($"{label} removed");
            return true;
        }

        return false;
    }

    private static string Show(int? width) => width is null ? "(default)" : $"{width} px";
}
