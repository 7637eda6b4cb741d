using System.Diagnostics;
using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.Operations;

/// <summary>
/// The count of people's requests in flight, which background work reads to let them go first
/// while they keep every core busy (ADR 0057): right while a request is served and after it, and a
/// wait that is bounded, so background work is slowed under load and never stopped.
/// </summary>
public sealed class PeopleAtWorkTests
{
    [Fact]
    public async Task A_request_counts_from_its_arrival_to_its_answer_and_not_after_a_refusal()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var people = app.Services.GetRequiredService<PeopleAtWork>();
        await Until(() => people.Requests == 0);

        // A body that arrives slowly keeps its request in flight until the test lets the rest go.
        var rest = new TaskCompletionSource();
        var sending = admin.Http.PostAsync("/api/v1/contacts", new HeldBody("""{"firstName":"Ada","lastName":"Slow"}""", rest.Task));
        await Until(() => people.Requests == 1);
        rest.SetResult();
        Assert.Equal(HttpStatusCode.Created, (await sending).StatusCode);
        // The client may hold the whole answer a moment before the server has left the pipeline.
        await Until(() => people.Requests == 0);

        // Refused and failed requests are counted out too.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/api/v1/contacts/987654")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().Http.GetAsync("/api/v1/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Http.PostAsync("/api/v1/contacts", new StringContent("{", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await Until(() => people.Requests == 0);
    }

    [Fact]
    [Trait(TestLanes.Database, TestLanes.None)]
    public async Task Background_work_waits_only_while_people_keep_every_core_busy_and_never_past_its_patience()
    {
        // The process's CPU time as the test sets it: busy, each reading a second per core later than the one before.
        var busy = true;
        var readings = 0;
        var cpu = TimeSpan.Zero;
        var people = new PeopleAtWork(() =>
        {
            readings++;
            return busy ? cpu += TimeSpan.FromSeconds(Environment.ProcessorCount) : cpu;
        });
        // The cores' use is measured over spans of at least 50 ms: let one pass.
        await Task.Delay(100);
        readings = 0;

        // Nobody at work (the busy cores are the background's own): the batch goes at once, without a look at the CPU.
        Assert.True(people.LetThemGoFirstAsync(CancellationToken.None).IsCompletedSuccessfully);
        Assert.Equal(0, readings);

        // People at work, every core busy: the wait lasts its whole patience, and ends.
        people.Arrived();
        var waited = Stopwatch.StartNew();
        await people.LetThemGoFirstAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(waited.Elapsed >= PeopleAtWork.Patience, $"It waited {waited.Elapsed}.");

        // People at work, cores to spare: the batch goes at once.
        busy = false;
        await Task.Delay(100);
        Assert.True(people.LetThemGoFirstAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition());
    }

    /// <summary>JSON whose first byte is sent at once and the rest when the task it is given completes.</summary>
    private sealed class HeldBody : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly Task _rest;

        public HeldBody(string json, Task rest)
        {
            _bytes = System.Text.Encoding.UTF8.GetBytes(json);
            _rest = rest;
            Headers.ContentType = new("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, 1));
            await stream.FlushAsync();
            await _rest;
            await stream.WriteAsync(_bytes.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}
