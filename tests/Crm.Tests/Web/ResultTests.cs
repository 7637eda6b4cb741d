using Crm.Tests.Infrastructure;
using Crm.Web.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Crm.Tests.Web;

/// <summary>
/// The answer every use case gives: Ok carries a value that is never null, "done" has none, and a
/// failure reads the same on the API and on a page whichever kind of result carries it.
/// </summary>
[Trait(TestLanes.Database, TestLanes.None)]
public class ResultTests
{
    [Fact]
    public void An_ok_result_cannot_carry_nothing()
    {
        Assert.Throws<ArgumentNullException>(() => Result<string>.Ok(null!));
        var ok = Result<string>.Ok("deal 12");
        Assert.True(ok.IsOk);
        Assert.Equal("deal 12", ok.Value);
    }

    [Fact]
    public void Done_answers_204_and_a_value_answers_200_with_it()
    {
        Assert.IsType<NoContent>(Result.Ok().ToHttp());
        var created = Assert.IsType<Created>(Result.Ok().ToHttp(() => TypedResults.Created("/x")));
        Assert.Equal("/x", created.Location);
        var value = Assert.IsType<Ok<string>>(Result<string>.Ok("deal 12").ToHttp());
        Assert.Equal("deal 12", value.Value);
    }

    [Fact]
    public void A_failure_passed_on_keeps_its_outcome_message_and_fields()
    {
        var refused = Result<int>.Invalid("amount", "Amount must be a number.");
        Result asDone = refused;
        var asOther = refused.Map<string>();
        foreach (var failure in new Result[] { asDone, asOther, Result.Invalid("amount", "Amount must be a number.") })
        {
            Assert.Equal(Outcome.Invalid, failure.Outcome);
            var problem = Assert.IsType<ProblemHttpResult>(failure.ToHttp());
            Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
            var state = new ModelStateDictionary();
            failure.CopyTo(state);
            Assert.Equal("Amount must be a number.", Assert.Single(state["Input.Amount"]!.Errors).ErrorMessage);
        }

        Assert.Throws<InvalidOperationException>(() => Result<int>.Ok(1).Map<string>());
        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsType<ProblemHttpResult>(Result.NotFound().ToHttp()).StatusCode);
        Assert.Equal(StatusCodes.Status409Conflict, Assert.IsType<ProblemHttpResult>(Result<int>.Conflict("Changed by someone else.").ToHttp()).StatusCode);
    }
}
