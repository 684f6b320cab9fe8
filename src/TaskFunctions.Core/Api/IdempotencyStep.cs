namespace TaskFunctions.Core.Api;

/// <summary>What a create carrying an Idempotency-Key does next, given the key's reservation (<see cref="IdempotencyRules.Decide"/>).</summary>
public enum IdempotencyStep
{
    /// <summary>The key is unused: reserve it (insert-if-absent) with a new task id, then create that task.</summary>
    Claim,

    /// <summary>The reservation is past its retention: take the key over (ETag-conditional replace) for a new task.</summary>
    Renew,

    /// <summary>The key was used with a different request within the retention: refuse (422).</summary>
    Mismatch,

    /// <summary>The key's task was created: answer it (200), unless its record is gone (then <see cref="Renew"/>).</summary>
    Replay,

    /// <summary>Another request holds the key and is still creating its task: wait a little, then look again.</summary>
    Wait,

    /// <summary>The request that held the key stopped before finishing (its lease ran out): finish creating that very task.</summary>
    TakeOver,
}
