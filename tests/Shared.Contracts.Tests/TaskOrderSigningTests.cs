using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Shared.Contracts.Tests;

public class TaskOrderSigningTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset At = new(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    private static TaskOrder Signed()
    {
        var order = new TaskOrder(17, TaskKinds.MaintenanceHold, """{"resource":"disks/sdb","seconds":60}""", "alice", At, "");
        return order with { Signature = TaskOrderSigning.Sign(order, Key) };
    }

    [Fact]
    public void Sign_ProducesHexHmacSha256()
    {
        var order = Signed();

        Assert.Equal(64, order.Signature.Length);
        Assert.True(order.Signature.All(Uri.IsHexDigit));
    }

    [Fact]
    public void Verify_UntouchedOrder_Accepts()
    {
        Assert.True(TaskOrderSigning.Verify(Signed(), Key));
    }

    [Fact]
    public void Verify_LowerCaseSignature_Accepts()
    {
        var order = Signed();
        Assert.True(TaskOrderSigning.Verify(order with { Signature = order.Signature.ToLowerInvariant() }, Key));
    }

    [Fact]
    public void Verify_WrongKey_Refuses()
    {
        Assert.False(TaskOrderSigning.Verify(Signed(), Key + "x"));
    }

    public static TheoryData<string> TamperedFields => ["TaskId", "Kind", "ParametersJson", "Owner", "IssuedAt"];

    [Theory]
    [MemberData(nameof(TamperedFields))]
    public void Verify_TamperedField_Refuses(string field)
    {
        var order = Signed();
        var tampered = field switch
        {
            "TaskId" => order with { TaskId = 18 },
            "Kind" => order with { Kind = TaskKinds.FsList },
            "ParametersJson" => order with { ParametersJson = """{"resource":"disks/sdc","seconds":60}""" },
            "Owner" => order with { Owner = "mallory" },
            "IssuedAt" => order with { IssuedAt = At.AddSeconds(1) },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        Assert.False(TaskOrderSigning.Verify(tampered, Key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not hex at all")]
    [InlineData("ABC")]
    [InlineData("00")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public void Verify_GarbageSignature_Refuses(string signature)
    {
        Assert.False(TaskOrderSigning.Verify(Signed() with { Signature = signature }, Key));
    }
}
