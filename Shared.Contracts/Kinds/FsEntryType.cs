namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>What a file-system entry is, as fs.list, fs.stat and fs.delete report it ("file", "directory", "symlink").</summary>
public enum FsEntryType { File, Directory, Symlink }
