using System.Runtime.CompilerServices;
using Crm.Tests.Infrastructure;
using Crm.Web.Records;

namespace Crm.Tests.Records;

/// <summary>
/// Every edit form the kit fills by name (<see cref="RecordInputs"/>) finds each of its input's
/// properties on the record it reads: a field added to the input and forgotten on the read record
/// fails here, not as an edit page that errors.
/// </summary>
[Trait(TestLanes.Database, TestLanes.None)]
public sealed class RecordInputsTests
{
    [Fact]
    public void Every_form_filled_by_name_finds_each_input_property_on_its_record()
    {
        var forms = typeof(RecordInputs).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(RecordViewFormPage<,,>))
            .ToList();
        Assert.True(forms.Count >= 3, $"only {forms.Count} forms filled by name");

        foreach (var form in forms)
        {
            var (input, details) = (form.BaseType!.GenericTypeArguments[0], form.BaseType.GenericTypeArguments[2]);
            var fill = typeof(RecordInputs).GetMethod(nameof(RecordInputs.From))!.MakeGenericMethod(input, details);
            var record = RuntimeHelpers.GetUninitializedObject(details);
            Assert.IsType(input, fill.Invoke(null, [record]));
        }
    }
}
