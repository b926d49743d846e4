namespace Ccdsvm.Station.Core.Store;

/// <summary>Schema v11: units carry tags (<c>PUT /api/v1/units/{id}/tags</c>), looked up by unit and by tag.</summary>
internal static class UnitTagsSchema
{
    public const string Sql = """
        CREATE TABLE unit_tags(unit TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY(unit, tag)) WITHOUT ROWID;
        CREATE INDEX ix_unit_tags_tag ON unit_tags(tag, unit);
        """;
}
