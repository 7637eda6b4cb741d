using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.CustomFields;

/// <summary>One choice of a select or multi-select field; a retired choice is kept on the records that hold it but offered no more.</summary>
public sealed record CustomFieldChoice(string Value, bool Retired = false);

/// <summary>
/// A field an administrator added to a module (ADR 0034): its key is what the API and imports use
/// and never changes; its type decides how values are checked and stored (<see cref="CustomFieldTypes"/>).
/// Audited like every entity: the trail says who added, changed or deleted which field.
/// </summary>
public sealed class CustomField
{
    public const int KeyMaxLength = 50;
    public const int LabelMaxLength = 100;
    public const int HelpMaxLength = 500;
    public const int ChoiceMaxLength = 100;
    public const int MaxChoices = 200;

    public int Id { get; set; }
    public string Module { get; set; } = "";
    public string Key { get; set; } = "";
    public string Label { get; set; } = "";
    public string Type { get; set; } = CustomFieldTypes.Text;

    /// <summary>The choices of a select, in their order, as JSON (<see cref="ChoiceList"/>).</summary>
    public string? Choices { get; set; }

    public bool Required { get; set; }

    /// <summary>
    /// How a field made required on a module with records treated those records: "fill" (given the
    /// default then) or "new-and-edited" (required only from their next save). Null: there were none.
    /// </summary>
    public string? RequiredApplied { get; set; }

    /// <summary>The default in the stored form of its type (<see cref="CustomFieldTypes.Read"/>).</summary>
    public string? DefaultValue { get; set; }
    public string? HelpText { get; set; }
    public bool AdminOnly { get; set; }
    public bool ShowOnPdf { get; set; }
    public bool ShowOnPortal { get; set; }
    public bool PersonalData { get; set; }

    /// <summary>"half" or "full": the width of the field on forms.</summary>
    public string Width { get; set; } = CustomFieldWidths.Half;
    public int Position { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ModifiedAt { get; set; }

    public IReadOnlyList<CustomFieldChoice> ChoiceList => ParseChoices(Choices);

    public static IReadOnlyList<CustomFieldChoice> ParseChoices(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<CustomFieldChoice>>(json, s_json) ?? [];

    public static string? WriteChoices(IReadOnlyList<CustomFieldChoice> choices) =>
        choices.Count == 0 ? null : JsonSerializer.Serialize(choices, s_json);

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    internal sealed class Configuration : IEntityTypeConfiguration<CustomField>
    {
        public void Configure(EntityTypeBuilder<CustomField> builder)
        {
            builder.ToTable("CustomFields");
            builder.Property(f => f.Module).HasMaxLength(50);
            builder.Property(f => f.Key).HasMaxLength(KeyMaxLength);
            builder.Property(f => f.Label).HasMaxLength(LabelMaxLength);
            builder.Property(f => f.Type).HasMaxLength(20);
            builder.Property(f => f.Choices).HasMaxLength(40000);
            builder.Property(f => f.RequiredApplied).HasMaxLength(20);
            builder.Property(f => f.DefaultValue).HasMaxLength(CustomFieldTypes.TextareaMaxLength);
            builder.Property(f => f.HelpText).HasMaxLength(HelpMaxLength);
            builder.Property(f => f.Width).HasMaxLength(10);
            builder.Ignore(f => f.ChoiceList);
            builder.HasIndex(f => new { f.Module, f.Key }).IsUnique();
        }
    }
}

public static class CustomFieldWidths
{
    public const string Half = "half";
    public const string Full = "full";
}

/// <summary>What an administrator chose for the records a newly required field finds without a value.</summary>
public static class RequiredApply
{
    public const string Fill = "fill";
    public const string NewAndEdited = "new-and-edited";
}

/// <summary>
/// One record's value of one custom field, typed so lists can filter and sort on an index: the text
/// form (what the API reads and writes; a textarea's in <see cref="LongTextValue"/>, which is not
/// indexed, since a B-tree entry on PostgreSQL is bounded), and beside it the number (money in minor
/// units) or the instant for the types that have one. A record without a value has no row.
/// </summary>
public sealed class CustomFieldValue
{
    public long Id { get; set; }
    public string Module { get; set; } = "";
    public int RecordId { get; set; }
    public int FieldId { get; set; }
    public string? TextValue { get; set; }
    public string? LongTextValue { get; set; }
    public double? NumberValue { get; set; }
    public DateTime? DateValue { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<CustomFieldValue>
    {
        public void Configure(EntityTypeBuilder<CustomFieldValue> builder)
        {
            builder.ToTable("CustomFieldValues");
            builder.Property(v => v.Module).HasMaxLength(50);
            builder.Property(v => v.TextValue).HasMaxLength(CustomFieldTypes.TextMaxLength);
            builder.Property(v => v.LongTextValue).HasMaxLength(CustomFieldTypes.TextareaMaxLength);
            builder.HasOne<CustomField>().WithMany().HasForeignKey(v => v.FieldId).OnDelete(DeleteBehavior.Cascade);
            // A record's values, read with the record; and one value per field and record.
            builder.HasIndex(v => new { v.Module, v.RecordId });
            builder.HasIndex(v => new { v.FieldId, v.RecordId }).IsUnique();
            // The list filters: a field's values in order, each leading to its record.
            builder.HasIndex(v => new { v.FieldId, v.TextValue, v.RecordId });
            builder.HasIndex(v => new { v.FieldId, v.NumberValue, v.RecordId });
            builder.HasIndex(v => new { v.FieldId, v.DateValue, v.RecordId });
        }
    }
}
