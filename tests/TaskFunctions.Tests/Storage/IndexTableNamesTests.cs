using System.Security.Cryptography;
using System.Text;
using TaskFunctions.Core.Storage;

namespace TaskFunctions.Tests.Storage;

public sealed class IndexTableNamesTests
{
    private const string ValidTableName = "^[A-Za-z][A-Za-z0-9]{2,62}$";

    [Theory]
    [InlineData("")]
    [InlineData("tenant-1")]
    [InlineData("é/#?")]
    [InlineData("a very long tenant name that is hashed by TableKeys.Encode because it is far longer than four hundred characters............................................................................................................................................................................................................................................................................................................................")]
    public void ForTenant_LongestPrefix_IsValidTableName(string tenant)
    {
        var prefix = "p" + new string('x', IndexTableNames.MaxPrefixLength - 1);

        var name = IndexTableNames.ForTenant(prefix, tenant);

        Assert.Matches(ValidTableName, name);
        Assert.Equal(63, name.Length);
    }

    [Fact]
    public void ForTenant_Tenant_IsPrefixTAndHashOfPartitionKey()
    {
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("t:acme")))[..24];

        var name = IndexTableNames.ForTenant("taskindex", "acme");

        Assert.Equal("taskindext" + expectedHash, name);
    }

    [Fact]
    public void ForTenant_DifferentTenants_NameDifferentTables()
    {
        var names = new[] { "", "a", "A", "b", "all" }.Select(tenant => IndexTableNames.ForTenant("taskindex", tenant)).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.DoesNotContain(IndexTableNames.Global("taskindex"), names, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void ForPartition_GlobalPartition_IsPrefixPlusAll()
    {
        var name = IndexTableNames.ForPartition("taskindex", TableKeys.GlobalPartition);

        Assert.Equal("taskindexall", name);
    }

    [Theory]
    [InlineData("taskindexall", true)]
    [InlineData("TASKINDEXALL", true)]
    [InlineData("taskindext0123456789abcdef01234567", true)]
    [InlineData("taskindext0123456789abcdef0123456", false)]
    [InlineData("taskindext0123456789abcdef0123456z", false)]
    [InlineData("taskindex", false)]
    [InlineData("tasks", false)]
    public void IsIndexTableName_Name_RecognisesOnlyIndexTables(string name, bool expected)
    {
        var actual = IndexTableNames.IsIndexTableName("taskindex", name);

        Assert.Equal(expected, actual);
    }
}
