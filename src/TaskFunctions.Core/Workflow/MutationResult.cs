using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Core.Workflow;

/// <summary>The record and document after a <see cref="TaskMutator"/> call.</summary>
public sealed record MutationResult(StoredTask Stored, TaskPublicBase Document, bool Changed);
