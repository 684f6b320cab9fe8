using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Workflow;
using TaskFunctions.Core.Workflow.Activities;
using TaskFunctions.Tests.Infrastructure;
using TaskFunctions.Tests.Webhooks;
using static TaskFunctions.Tests.Workflow.ActivityTestTasks;

namespace TaskFunctions.Tests.Workflow;

/// <summary>
/// DeliverWebhook on Azurite against a loopback receiver that checks Standard Webhooks signatures itself: what is sent,
/// what is recorded on the task, and the state and wait it hands back to the workflow.
/// </summary>
[Collection("Azurite")]
public sealed class DeliverWebhookActivityTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string UrlToken = "url-token-0f3c9a";

    // Whole seconds: the webhook-timestamp header is in seconds, and a fixed instant makes every recorded time exact.
    private static readonly DateTimeOffset Clock = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private readonly string secret = WebhookTestSecrets.Random();
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync(secret);

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task RunAsync_ReceiverAccepts_SignedPublicDocumentSentAndDeliveryRecorded()
    {
        await using var provider = await ServicesAsync();
        var id = await StoreEndedAsync(provider, receiver.Url($"/hook?token={UrlToken}"));
        var expectedBody = TaskJson.SerializePublic(await ReadAsync(provider, id));
        var webhookId = DeliverWebhookActivity.WebhookId(id);

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 1));

        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Delivered, null), result);
        var received = Assert.Single(receiver.Received);
        Assert.Equal("/hook", received.Path);
        Assert.True(received.SignatureValid);
        Assert.Equal("msg_" + id.Replace("-", string.Empty, StringComparison.Ordinal), received.Headers["webhook-id"]);
        Assert.Equal(webhookId, received.Headers["webhook-id"]);
        Assert.Equal(Clock.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), received.Headers["webhook-timestamp"]);
        Assert.StartsWith("application/json", received.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(expectedBody, received.Body);
        var body = JsonNode.Parse(received.Body)!.AsObject();
        Assert.Equal((id, "COMPLETED", "GENERATION"), (body["id"]!.GetValue<string>(), body["status"]!.GetValue<string>(), body["task_type"]!.GetValue<string>()));
        Assert.Equal($"results/{id}/result.png", body["result_image_path"]!.GetValue<string>());
        Assert.False(body.ContainsKey("_internal"));
        var text = Encoding.UTF8.GetString(received.Body);
        Assert.DoesNotContain(UrlToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret["whsec_".Length..], text, StringComparison.Ordinal);

        var stored = await ReadStoredAsync(provider, id);
        var task = TaskJson.DeserializeDocument(stored.Document);
        var delivery = task.Internal.Webhook!;
        Assert.Equal((webhookId, DeliverWebhookActivity.Delivered, 1, 200), (delivery.WebhookId, delivery.State, delivery.Attempts, delivery.LastStatusCode));
        Assert.Null(delivery.LastError);
        Assert.Equal(Clock, delivery.LastAttemptAt);
        Assert.Equal(Clock, delivery.DeliveredAt);
        Assert.Equal(TaskState.COMPLETED, task.Status);
        var call = Assert.Single(task.Internal.ServiceRequests!);
        Assert.Equal("WEBHOOK", call["provider"]!.GetValue<string>());
        Assert.Equal("POST", call["method"]!.GetValue<string>());
        Assert.Equal(new Uri(receiver.BaseAddress, "hook").ToString(), call["url"]!.GetValue<string>());
        Assert.Equal(200, call["status_code"]!.GetValue<int>());
        Assert.Equal(webhookId, call["provider_request_id"]!.GetValue<string>());
        Assert.Equal(1, call["attempt"]!.GetValue<int>());
        Assert.Null(call["error"]);
        Assert.DoesNotContain(secret["whsec_".Length..], stored.Document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SameAttemptRunTwice_SentOnceAndSecondRunReportsDelivered()
    {
        await using var provider = await ServicesAsync();
        var id = await StoreEndedAsync(provider, receiver.Url("/hook"));
        var activity = provider.GetRequiredService<DeliverWebhookActivity>();

        var first = await activity.RunAsync(new WebhookDeliveryInput(id, 1));
        var afterFirst = await ReadStoredAsync(provider, id);
        var second = await activity.RunAsync(new WebhookDeliveryInput(id, 1));

        Assert.Equal(DeliverWebhookActivity.Delivered, first.State);
        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Delivered, null), second);
        Assert.Single(receiver.Received);
        Assert.Equal(afterFirst.ETag, (await ReadStoredAsync(provider, id)).ETag);
    }

    [Fact]
    public async Task RunAsync_ReceiverErrorWithAttemptsLeft_PendingWithTheScheduledWait()
    {
        await using var provider = await ServicesAsync();
        var id = await StoreEndedAsync(provider, receiver.Url("/status/500"));

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 1));

        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Pending, TimeSpan.FromSeconds(7)), result);
        Assert.Single(receiver.Received);
        var delivery = (await ReadAsync(provider, id)).Internal.Webhook!;
        Assert.Equal((DeliverWebhookActivity.Pending, 1, 500), (delivery.State, delivery.Attempts, delivery.LastStatusCode));
        Assert.Equal("The receiver answered HTTP 500: receiver says 500.", delivery.LastError);
        Assert.Equal(Clock, delivery.LastAttemptAt);
        Assert.Null(delivery.DeliveredAt);
    }

    [Fact]
    public async Task RunAsync_Receiver429AskingLongerThanSchedule_PendingWaitsTheRetryAfter()
    {
        await using var provider = await ServicesAsync(("Webhooks:RetrySchedule:0", "00:00:01"));
        var id = await StoreEndedAsync(provider, receiver.Url("/status/429"));

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 1));

        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Pending, TimeSpan.FromSeconds(3)), result);
        Assert.Equal(429, (await ReadAsync(provider, id)).Internal.Webhook!.LastStatusCode);
    }

    [Fact]
    public async Task RunAsync_ReceiverErrorOnLastAttempt_FailedAndNoFurtherWait()
    {
        await using var provider = await ServicesAsync();
        var id = await StoreEndedAsync(provider, receiver.Url("/status/503"));

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 3));

        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Failed, null), result);
        var delivery = (await ReadAsync(provider, id)).Internal.Webhook!;
        Assert.Equal((DeliverWebhookActivity.Failed, 3, 503), (delivery.State, delivery.Attempts, delivery.LastStatusCode));
        Assert.Null(delivery.DeliveredAt);
    }

    [Fact]
    public async Task RunAsync_ReceiverFailsThenAccepts_SameWebhookIdAndAttemptsAdvance()
    {
        await using var sink = await WebhookSink.StartAsync();
        await using var provider = await ServicesAsync(("Outbound:AllowedHosts:1", sink.HostPort));
        var endpoint = sink.Endpoint(503, 204);
        var id = await StoreEndedAsync(provider, endpoint);
        var activity = provider.GetRequiredService<DeliverWebhookActivity>();

        var first = await activity.RunAsync(new WebhookDeliveryInput(id, 1));
        var second = await activity.RunAsync(new WebhookDeliveryInput(id, 2));

        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Pending, TimeSpan.FromSeconds(7)), first);
        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Delivered, null), second);
        var posts = sink.Received(endpoint);
        Assert.Equal(2, posts.Count);
        Assert.All(posts, p => Assert.Equal(DeliverWebhookActivity.WebhookId(id), p.Headers["webhook-id"]));
        var task = await ReadAsync(provider, id);
        var delivery = task.Internal.Webhook!;
        Assert.Equal((DeliverWebhookActivity.Delivered, 2, 204), (delivery.State, delivery.Attempts, delivery.LastStatusCode));
        Assert.Null(delivery.LastError);
        Assert.Equal(Clock, delivery.DeliveredAt);
        Assert.Equal([(1, 503), (2, 204)], task.Internal.ServiceRequests!.Select(r => (r["attempt"]!.GetValue<int>(), r["status_code"]!.GetValue<int>())));
    }

    [Fact]
    public async Task RunAsync_EarlierAttemptRunAgainAfterALaterOne_AttemptCountNeverGoesBack()
    {
        await using var provider = await ServicesAsync();
        var id = await StoreEndedAsync(provider, receiver.Url("/status/500"), task =>
            task.Internal.Webhook = new WebhookDeliveryState { WebhookId = DeliverWebhookActivity.WebhookId(task.Id), State = DeliverWebhookActivity.Pending, Attempts = 2 });

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 1));

        Assert.Equal(DeliverWebhookActivity.Pending, result.State);
        Assert.Equal(2, (await ReadAsync(provider, id)).Internal.Webhook!.Attempts);
    }

    [Fact]
    public async Task RunAsync_Receiver410_GoneAndNoFurtherWait()
    {
        await using var provider = await ServicesAsync();
        var id = await StoreEndedAsync(provider, receiver.Url("/status/410"));

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 1));

        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Gone, null), result);
        var delivery = (await ReadAsync(provider, id)).Internal.Webhook!;
        Assert.Equal((DeliverWebhookActivity.Gone, 410), (delivery.State, delivery.LastStatusCode));
    }

    [Fact]
    public async Task RunAsync_TargetNotInAllowList_RefusedWithoutARequest()
    {
        await using var other = await WebhookReceiver.StartAsync(secret);
        await using var provider = await ServicesAsync();
        var id = await StoreEndedAsync(provider, other.Url("/hook"));

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 1));

        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Refused, null), result);
        Assert.Empty(other.Received);
        var delivery = (await ReadAsync(provider, id)).Internal.Webhook!;
        Assert.Equal(DeliverWebhookActivity.Refused, delivery.State);
        Assert.Null(delivery.LastStatusCode);
        Assert.False(string.IsNullOrEmpty(delivery.LastError));
    }

    [Fact]
    public async Task RunAsync_ReceiverHangs_PendingWithTheTimeoutRecorded()
    {
        await using var provider = await ServicesAsync(("Webhooks:Timeout", "00:00:00.500"));
        var id = await StoreEndedAsync(provider, receiver.Url("/hang"));

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 1));

        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Pending, TimeSpan.FromSeconds(7)), result);
        var task = await ReadAsync(provider, id);
        var delivery = task.Internal.Webhook!;
        Assert.Null(delivery.LastStatusCode);
        Assert.Contains("within 0.5 seconds", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("within 0.5 seconds", Assert.Single(task.Internal.ServiceRequests!)["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hooks/relative")]
    public async Task RunAsync_NoUsableWebhookUrl_RefusedNothingSentNothingWritten(string? url)
    {
        await using var provider = await ServicesAsync();
        var id = await StoreAsync(provider, task =>
        {
            task.Status = TaskState.COMPLETED;
            task.Internal.WebhookUrl = url;
        });
        var before = await ReadStoredAsync(provider, id);

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 1));

        Assert.Equal(new WebhookDeliveryResult(DeliverWebhookActivity.Refused, null), result);
        Assert.Empty(receiver.Received);
        Assert.Equal(before.ETag, (await ReadStoredAsync(provider, id)).ETag);
    }

    [Theory]
    [InlineData(DeliverWebhookActivity.Delivered)]
    [InlineData(DeliverWebhookActivity.Failed)]
    [InlineData(DeliverWebhookActivity.Gone)]
    [InlineData(DeliverWebhookActivity.Refused)]
    public async Task RunAsync_DeliveryAlreadySettled_ReturnsItsStateWithoutSending(string state)
    {
        await using var provider = await ServicesAsync();
        var id = await StoreEndedAsync(provider, receiver.Url("/hook"), task =>
            task.Internal.Webhook = new WebhookDeliveryState { WebhookId = DeliverWebhookActivity.WebhookId(task.Id), State = state, Attempts = 1 });
        var before = await ReadStoredAsync(provider, id);

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(id, 2));

        Assert.Equal(new WebhookDeliveryResult(state, null), result);
        Assert.Empty(receiver.Received);
        Assert.Equal(before.ETag, (await ReadStoredAsync(provider, id)).ETag);
    }

    [Fact]
    public async Task RunAsync_TaskRecordGone_DeletedWithoutSending()
    {
        await using var provider = await ServicesAsync();

        var result = await provider.GetRequiredService<DeliverWebhookActivity>().RunAsync(new WebhookDeliveryInput(Guid.NewGuid().ToString(), 1));

        Assert.Equal(new WebhookDeliveryResult("deleted", null), result);
        Assert.Empty(receiver.Received);
    }

    /// <summary>Signing with this test's secret, three attempts 7 s apart without jitter, a 5 s timeout, the receiver allowed.</summary>
    private Task<ServiceProvider> ServicesAsync(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:SigningSecret"] = secret,
            ["Webhooks:MaxAttempts"] = "3",
            ["Webhooks:RetrySchedule:0"] = "00:00:07",
            ["Webhooks:JitterFraction"] = "0",
            ["Webhooks:Timeout"] = "00:00:05",
            ["Outbound:AllowedHosts:0"] = receiver.HostPort,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return ActivityTestTasks.ServicesAsync(azurite, new FixedTimeProvider(Clock), settings);
    }

    /// <summary>A COMPLETED task whose webhook goes to <paramref name="url"/>.</summary>
    private static Task<string> StoreEndedAsync(IServiceProvider provider, Uri url, Action<TaskPublicBase>? more = null) =>
        StoreAsync(provider, task =>
        {
            task.Status = TaskState.COMPLETED;
            task.CompletedAt = Seeded;
            task.Progress = 100;
            ((GenerationTaskPublic)task).ResultImagePath = $"results/{task.Id}/result.png";
            task.Internal.WebhookUrl = url.ToString();
            more?.Invoke(task);
        });
}
