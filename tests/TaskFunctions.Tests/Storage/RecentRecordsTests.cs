using Azure;
using TaskFunctions.Core.Storage;
using TaskFunctions.Core.Tasks;

namespace TaskFunctions.Tests.Storage;

public sealed class RecentRecordsTests
{
    [Fact]
    public void Get_AfterRemember_ReturnsAPrivateCopy()
    {
        var records = new RecentRecords();
        var task = Written("a");
        records.Remember(task);
        task.Document = "changed by its owner";

        var first = records.Get("a")!;
        first.Document = "changed by a reader";
        var second = records.Get("a")!;

        Assert.Equal("{}", second.Document);
        Assert.Equal(new ETag("\"a\""), second.ETag);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void Get_NeverRemembered_ReturnsNull() => Assert.Null(new RecentRecords().Get("a"));

    [Fact]
    public void Remember_OverCapacity_EvictsTheOldestFirst()
    {
        var records = new RecentRecords(capacity: 2);

        records.Remember(Written("a"));
        records.Remember(Written("b"));
        records.Remember(Written("a")); // a again: now the newest
        records.Remember(Written("c"));

        Assert.Null(records.Get("b"));
        Assert.NotNull(records.Get("a"));
        Assert.NotNull(records.Get("c"));
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public void Remember_OverDocumentBudget_EvictsTheOldestFirst()
    {
        var records = new RecentRecords(capacity: 100, budgetChars: 10);

        records.Remember(Written("a", new string('x', 4)));
        records.Remember(Written("b", new string('x', 4)));
        records.Remember(Written("c", new string('x', 4)));

        Assert.Null(records.Get("a"));
        Assert.NotNull(records.Get("b"));
        Assert.NotNull(records.Get("c"));
    }

    [Fact]
    public void Remember_DocumentTooLarge_DropsTheEarlierCopy()
    {
        var records = new RecentRecords();
        records.Remember(Written("a"));

        records.Remember(Written("a", new string('x', RecentRecords.MaxDocumentChars + 1)));

        Assert.Null(records.Get("a"));
        Assert.Equal(0, records.Count);
    }

    [Fact]
    public void Remember_WithoutETag_DropsTheEarlierCopy()
    {
        var records = new RecentRecords();
        records.Remember(Written("a"));
        var unwritten = Written("a");
        unwritten.ETag = default;

        records.Remember(unwritten);

        Assert.Null(records.Get("a"));
    }

    [Fact]
    public void Remember_ManyRewritesOfOneRecord_StaysBounded()
    {
        var records = new RecentRecords(capacity: 3);
        records.Remember(Written("keep"));

        for (var i = 0; i < 1000; i++)
        {
            records.Remember(Written("hot"));
        }

        Assert.NotNull(records.Get("hot"));
        Assert.NotNull(records.Get("keep"));
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public void Forget_RememberedRecord_RemovesIt()
    {
        var records = new RecentRecords();
        records.Remember(Written("a"));

        records.Forget("a");

        Assert.Null(records.Get("a"));
    }

    private static StoredTask Written(string id, string document = "{}") => new()
    {
        Id = id,
        Tenant = "tenant",
        TaskType = TaskType.GENERATION,
        Status = TaskState.RUNNING,
        CreatedAt = TestTasks.BaseTime,
        UpdatedAt = TestTasks.BaseTime,
        Document = document,
        ETag = new ETag($"\"{id}\""),
    };
}
