using Ccdsvm.Unit.Agent.Monitoring;

namespace Ccdsvm.Unit.Agent.Tests.Monitoring;

public sealed class ProcFsTests
{
    [Fact]
    public void ProcStat_WithSpacesAndParenthesesInCommand_ParsesFieldsAfterTheLastParenthesis()
    {
        const string line = "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 7 0 123456 1000000 321 18446744073709551615";
        var s = ProcFs.ParseProcStat(line)!.Value;
        Assert.Equal(4242, s.Pid);
        Assert.Equal("my (odd) cmd", s.Comm);
        Assert.Equal("S", s.State);
        Assert.Equal(1, s.Ppid);
        Assert.Equal(300UL, s.CpuTicks);
        Assert.Equal(7, s.Threads);
        Assert.Equal(123456UL, s.StartTicks);
        Assert.Equal(321, s.RssPages);
    }

    [Fact]
    public void Mounts_KeepOnlyRealFileSystems_AndUnescapeSpaces()
    {
        const string mounts = "proc /proc proc rw 0 0\n/dev/vda / ext4 rw 0 0\ntmpfs /run tmpfs rw 0 0\n/dev/loop0 /mnt/my\\040disk xfs rw 0 0\n";
        const string filesystems = "nodev\tproc\nnodev\ttmpfs\n\text4\n\txfs\n";
        var list = ProcFs.ParseMounts(mounts, filesystems);
        Assert.Equal(["/", "/mnt/my disk"], list.Select(m => m.Mount));
    }

    [Fact]
    public void NetDevAndDiskStats_ParseCounters()
    {
        const string net = "Inter-|   Receive\n face |bytes packets\n    lo: 1000 10 1 0 0 0 0 0 2000 20 2 0 0 0 0 0\n";
        var n = Assert.Single(ProcFs.ParseNetDev(net));
        Assert.Equal(("lo", 1000L, 10L, 1L, 2000L, 20L, 2L), (n.Interface, n.RxBytes, n.RxPackets, n.RxErrors, n.TxBytes, n.TxPackets, n.TxErrors));
        var d = Assert.Single(ProcFs.ParseDiskStats(" 254 0 vda 48938 9809 4980026 49236 296886 33164 19168712 39752 0 33200 94885\n"));
        Assert.Equal(("vda", 48938L, 4980026L, 296886L, 19168712L, 33200L), (d.Device, d.ReadsCompleted, d.SectorsRead, d.WritesCompleted, d.SectorsWritten, d.MsDoingIo));
    }
}
