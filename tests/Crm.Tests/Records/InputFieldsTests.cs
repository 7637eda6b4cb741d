using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Records;
using Crm.Web.Web;

namespace Crm.Tests.Records;

/// <summary>
/// The kit finds which PATCH body fields set which field flags from their names. Every module's
/// pair is checked whenever a test app maps the API; these cases pin the rule itself: the names,
/// a flag for several properties, and that a mismatch in either direction stops the start-up.
/// </summary>
[Trait(TestLanes.Database, TestLanes.None)]
public sealed class InputFieldsTests
{
    [Fact]
    public void A_patch_sets_the_flags_of_the_fields_its_body_names()
    {
        Assert.Equal(SampleFields.Title | SampleFields.Related, InputFields.Given<SampleInput, SampleFields>(Body("""{"title": null, "relatedId": 4}""")));
        Assert.Equal(SampleFields.Related, InputFields.Given<SampleInput, SampleFields>(Body("""{"relatedModule": "deals", "version": 3}""")));
        Assert.Equal(SampleFields.None, InputFields.Given<SampleInput, SampleFields>(Body("""{"version": 3, "id": 9}""")));
        Assert.Equal(SampleFields.Title | SampleFields.Related, InputFields.All<SampleInput, SampleFields>());
    }

    [Fact]
    public void A_flag_without_its_property_or_a_property_without_a_flag_stops_the_start_up()
    {
        var noProperty = Assert.Throws<InvalidOperationException>(() => InputFields.All<SampleInput, MisnamedFields>());
        Assert.Contains("MisnamedFields.Heading names no property 'Heading' of SampleInput", noProperty.Message, StringComparison.Ordinal);
        var noFlag = Assert.Throws<InvalidOperationException>(() => InputFields.All<SampleInput, ShortFields>());
        Assert.Contains("No flag of ShortFields covers SampleInput.RelatedModule, RelatedId", noFlag.Message, StringComparison.Ordinal);
    }

    private static PatchBody<SampleInput> Body(string json)
    {
        using var document = JsonDocument.Parse(json);
        var read = PatchBody.Read<SampleInput>(document.RootElement.Clone(), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.True(read.IsOk);
        return read.Value;
    }

    public sealed class SampleInput
    {
        public string? Title { get; set; }
        public string? RelatedModule { get; set; }
        public int? RelatedId { get; set; }
        public int? Version { get; set; }
    }

    [Flags]
    public enum SampleFields
    {
        None = 0,
        Title = 1,
        [InputProperties(nameof(SampleInput.RelatedModule), nameof(SampleInput.RelatedId))]
        Related = 2,
        All = ~None,
    }

    [Flags]
    public enum MisnamedFields
    {
        None = 0,
        Heading = 1,
        [InputProperties(nameof(SampleInput.RelatedModule), nameof(SampleInput.RelatedId))]
        Related = 2,
    }

    [Flags]
    public enum ShortFields
    {
        None = 0,
        Title = 1,
    }
}
