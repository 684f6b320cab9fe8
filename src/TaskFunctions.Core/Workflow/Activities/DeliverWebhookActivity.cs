using Microsoft.Extensions.Options;
using TaskFunctions.Core.Providers;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;
using TaskFunctions.Core.Webhooks;

namespace TaskFunctions.Core.Workflow.Activities;

/// <summary>
/// One delivery attempt of the terminal-state webhook (the task's public document, signed per Standard Webhooks with a
/// webhook-id stable across retries). Records the outcome on the task and tells the workflow when to try again.
/// </summary>
public sealed class DeliverWebhookActivity(ITaskStore store, TaskMutator mutator, WebhookSender sender, IOptions<WebhookOptions> options, TimeProvider time)
    : ITaskActivity<WebhookDeliveryInput, WebhookDeliveryResult>
{
    public const string Delivered = "delivered";
    public const string Pending = "pending";
    public const string Failed = "failed";
    public const string Gone = "gone";
    public const string Refused = "refused";

    public async Task<WebhookDeliveryResult> RunAsync(WebhookDeliveryInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = await store.GetAsync(input.TaskId, cancellationToken);
        if (stored is null)
        {
            return new WebhookDeliveryResult("deleted", null);
        }

        var task = TaskJson.DeserializeDocument(stored.Document);
        if (task.Internal.Webhook is { State: not Pending } done)
        {
            return new WebhookDeliveryResult(done.State, null); // an earlier run of this attempt already settled it
        }

        if (!Uri.TryCreate(task.Internal.WebhookUrl, UriKind.Absolute, out var target))
        {
            return new WebhookDeliveryResult(Refused, null);
        }

        var webhookId = WebhookId(task.Id);
        var attempt = await sender.SendAsync(target, webhookId, TaskJson.SerializePublic(task), cancellationToken);
        var state = attempt.Outcome switch
        {
            WebhookDeliveryOutcome.Delivered => Delivered,
            WebhookDeliveryOutcome.Gone => Gone,
            WebhookDeliveryOutcome.Refused => Refused,
            _ => input.Attempt < options.Value.MaxAttempts ? Pending : Failed,
        };

        var now = time.GetUtcNow();
        await mutator.MutateAsync(input.TaskId, t =>
        {
            var delivery = t.Internal.Webhook ??= new WebhookDeliveryState { WebhookId = webhookId };
            delivery.State = state;
            delivery.Attempts = Math.Max(delivery.Attempts, input.Attempt);
            delivery.LastStatusCode = attempt.StatusCode;
            delivery.LastError = attempt.Error;
            delivery.LastAttemptAt = now;
            delivery.DeliveredAt = state == Delivered ? now : delivery.DeliveredAt;
            ServiceRequestJournal.Append(t, [new ServiceRequestRecord(
                "WEBHOOK", "POST", ServiceRequestLog.Redact(target), attempt.StatusCode, attempt.DurationMs, webhookId, input.Attempt, now, attempt.Error)]);
            return t;
        }, cancellationToken);

        return new WebhookDeliveryResult(state, state == Pending ? options.Value.DelayBeforeRetry(input.Attempt, attempt.RetryAfter, webhookId) : null);
    }

    /// <summary>One id per task: a task reaches one terminal state, and every retry of its webhook carries the same id.</summary>
    public static string WebhookId(string taskId) => "msg_" + taskId.Replace("-", string.Empty, StringComparison.Ordinal);
}
