using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Offboarding;

/// <summary>The wizard's steps that change something, in the order the seed's procedure gives them.</summary>
public static class OffboardingSteps
{
    public const string Deactivate = "deactivate";
    public const string Reassign = "reassign";
    public const string RevokeTokens = "revoke-tokens";
    public const string ExternalSystems = "external-systems";

    public static readonly IReadOnlyList<(string Key, string Title)> All =
    [
        (Deactivate, "Deactivate the account"),
        (Reassign, "Reassign records"),
        (RevokeTokens, "Revoke API tokens"),
        (ExternalSystems, "Revoke access to external systems"),
    ];

    public static string TitleOf(string key) => All.FirstOrDefault(s => s.Key == key).Title ?? key;
}

/// <summary>
/// One step of a leaver's offboarding, done: when, by whom, and what it did. Kept on the user's
/// record so the wizard resumes where it stopped and the summary can be printed later. A step
/// done again (records reassigned a second time) replaces its row; the activity log keeps both.
/// </summary>
public sealed class OffboardingStep
{
    public Guid UserId { get; set; }
    public string Step { get; set; } = "";
    public DateTime DoneAt { get; set; }
    public Guid? DoneById { get; set; }

    /// <summary>The administrator's name at the time, so the summary still reads right if their account goes.</summary>
    public string DoneByName { get; set; } = "";

    public string Detail { get; set; } = "";

    public const int DetailMaxLength = 2000;

    /// <summary>Marks <paramref name="step"/> done now by <paramref name="actor"/>, unsaved: the caller saves it with the step's own change.</summary>
    public static async Task MarkAsync(CrmDb db, Guid userId, string step, Security.Actor actor, string detail, DateTime now, CancellationToken cancellationToken)
    {
        var row = await db.Set<OffboardingStep>().FirstOrDefaultAsync(s => s.UserId == userId && s.Step == step, cancellationToken);
        if (row is null)
        {
            row = new OffboardingStep { UserId = userId, Step = step };
            db.Set<OffboardingStep>().Add(row);
        }

        row.DoneAt = now;
        row.DoneById = actor.UserId;
        row.DoneByName = actor.DisplayName.Length > 200 ? actor.DisplayName[..200] : actor.DisplayName;
        row.Detail = detail.Length > DetailMaxLength ? detail[..(DetailMaxLength - 1)] + "…" : detail;
    }

    internal sealed class Configuration : IEntityTypeConfiguration<OffboardingStep>
    {
        public void Configure(EntityTypeBuilder<OffboardingStep> builder)
        {
            builder.ToTable("OffboardingSteps");
            builder.HasKey(s => new { s.UserId, s.Step });
            builder.Property(s => s.Step).HasMaxLength(40);
            builder.Property(s => s.DoneByName).HasMaxLength(200);
            builder.Property(s => s.Detail).HasMaxLength(DetailMaxLength);
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>
/// An outside system (corporate email, VPN, anything the administrator adds) where the leaver's
/// access has to be ended by hand: the CRM cannot reach it, so it keeps the administrator's tick.
/// </summary>
public sealed class OffboardingCheck
{
    public int Id { get; set; }
    public Guid UserId { get; set; }
    public string Name { get; set; } = "";
    public int Position { get; set; }
    public bool IsRevoked { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedByName { get; set; }

    public const int NameMaxLength = 100;

    /// <summary>The systems the seed's procedure names; every checklist starts with them.</summary>
    public static readonly IReadOnlyList<string> Defaults = ["Corporate email", "VPN"];

    internal sealed class Configuration : IEntityTypeConfiguration<OffboardingCheck>
    {
        public void Configure(EntityTypeBuilder<OffboardingCheck> builder)
        {
            builder.ToTable("OffboardingChecks");
            builder.Property(c => c.Name).HasMaxLength(NameMaxLength);
            builder.Property(c => c.RevokedByName).HasMaxLength(200);
            builder.HasIndex(c => new { c.UserId, c.Position });
            builder.HasOne<Account.CrmUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}
