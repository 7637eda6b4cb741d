using Crm.Web.Features.CustomFields;

namespace Crm.Tests.CustomFields;

/// <summary>Every type reads its good value into its stored form and refuses its bad one with a sentence naming the field (pure logic, no app).</summary>
public sealed class CustomFieldTypesTests
{
    [Theory]
    [MemberData(nameof(CustomFieldTable.TypeNames), MemberType = typeof(CustomFieldTable))]
    public void A_type_reads_its_values_and_refuses_the_others(string type)
    {
        var row = CustomFieldTable.Of(type);

        var (good, none) = CustomFieldTypes.Read(type, "Industry", CustomFieldTable.Industries, row.Good);
        Assert.Null(none);
        Assert.Equal(row.Stored, good!.Shown);
        Assert.Equal(type == CustomFieldTypes.Textarea, good.LongText is not null);
        Assert.Equal(type is CustomFieldTypes.Number or CustomFieldTypes.Money, good.Number is not null);
        Assert.Equal(type is CustomFieldTypes.Date or CustomFieldTypes.DateTime, good.Date is not null);

        var (bad, error) = CustomFieldTypes.Read(type, "Industry", CustomFieldTable.Industries, row.Bad);
        Assert.Null(bad);
        Assert.Contains("Industry", error, StringComparison.Ordinal);

        // No text is no value, whatever the type: whether one is required is the caller's question.
        Assert.Equal((null, null), CustomFieldTypes.Read(type, "Industry", CustomFieldTable.Industries, "  "));
    }

    [Fact]
    public void A_retired_choice_is_kept_where_it_is_held_but_not_given_anew()
    {
        Assert.NotNull(CustomFieldTypes.Read(CustomFieldTypes.Select, "Industry", CustomFieldTable.Industries, "Mining").Error);
        Assert.Equal("Mining", CustomFieldTypes.Read(CustomFieldTypes.Select, "Industry", CustomFieldTable.Industries, "Mining", allowRetired: true).Value!.Shown);
        Assert.Equal(123450d, CustomFieldTypes.Read(CustomFieldTypes.Money, "Budget", [], "1234.50").Value!.Number);
    }
}
