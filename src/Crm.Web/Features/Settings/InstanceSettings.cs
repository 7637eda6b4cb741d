using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Settings;

/// <summary>
/// The organisation's settings, one row (<see cref="TheId"/>): SMTP, company data and branding,
/// localisation. Each settings page changes only its own columns. A missing row or a null column
/// means "not set here": SMTP then falls back to the <c>Email:Smtp:*</c> configuration.
/// </summary>
public sealed class InstanceSettings
{
    public const int TheId = 1;

    public int Id { get; set; } = TheId;

    // SMTP. The password is encrypted with Data Protection (purpose SmtpPasswordPurpose), never clear.
    public string? SmtpHost { get; set; }
    public int? SmtpPort { get; set; }
    public int? SmtpSecurity { get; set; }
    public string? SmtpFrom { get; set; }
    public string? SmtpUserName { get; set; }
    public string? SmtpProtectedPassword { get; set; }
    public DateTime? SmtpChangedAt { get; set; }

    // Company data and branding. Images are PNG bytes; the version changes with every upload so
    // their addresses change and browsers may cache each version for good.
    public string? CompanyName { get; set; }
    public string? CompanyAddress { get; set; }
    public int? DocumentLogoWidth { get; set; }
    public byte[]? LogoLight { get; set; }
    public byte[]? LogoDark { get; set; }
    public byte[]? Favicon { get; set; }
    public int BrandingVersion { get; set; }

    // Localisation.
    public string? DefaultLanguage { get; set; }
    public string? TimeZone { get; set; }
    public string? DateFormat { get; set; }
    public string? ThousandsSeparator { get; set; }
    public string? DecimalSeparator { get; set; }

    public DateTime? ChangedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<InstanceSettings>
    {
        public void Configure(EntityTypeBuilder<InstanceSettings> builder)
        {
            builder.ToTable("InstanceSettings");
            builder.Property(s => s.Id).ValueGeneratedNever();
            builder.Property(s => s.SmtpHost).HasMaxLength(255);
            builder.Property(s => s.SmtpFrom).HasMaxLength(256);
            builder.Property(s => s.SmtpUserName).HasMaxLength(256);
            builder.Property(s => s.SmtpProtectedPassword).HasMaxLength(4000);
            builder.Property(s => s.CompanyName).HasMaxLength(200);
            builder.Property(s => s.CompanyAddress).HasMaxLength(1000);
            builder.Property(s => s.DefaultLanguage).HasMaxLength(10);
            builder.Property(s => s.TimeZone).HasMaxLength(64);
            builder.Property(s => s.DateFormat).HasMaxLength(20);
            builder.Property(s => s.ThousandsSeparator).HasMaxLength(1);
            builder.Property(s => s.DecimalSeparator).HasMaxLength(1);
        }
    }
}
