namespace Ccdsvm.Station.Core.Tests;

public sealed class StationOptionsTests
{
    [Theory]
    [InlineData(2, 24L << 30, 32)]
    [InlineData(1, 512L << 20, 16)]
    [InlineData(8, 1L << 30, 16)]
    [InlineData(128, 1L << 40, 1024)]
    public void DefaultSlots_Are16PerCore_CappedByMemory_Between16And1024(int cpus, long memory, int expected) =>
        Assert.Equal(expected, StationOptions.DefaultMaxTasks(cpus, memory));

    [Theory]
    [InlineData(32, 0, 16)]
    [InlineData(100, 0, 50)]
    [InlineData(4, 0, 4)]
    [InlineData(32, 3, 3)]
    public void PerUserCap_DefaultsToHalfTheList_AtLeast16_NeverMoreThanTheList(int maxTasks, int perUser, int expected) =>
        Assert.Equal(expected, new StationOptions { MaxTasks = maxTasks, MaxTasksPerUser = perUser }.EffectiveMaxTasksPerUser);
}
