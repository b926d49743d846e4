// The agent and its tests run on Linux only (loop devices, mount, mdadm).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
