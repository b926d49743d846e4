namespace Ccdsvm.Station.Core.Units;

/// <summary>The live hub connections of units, so a revocation can end them at once.</summary>
public interface IUnitConnections
{
    /// <summary>Aborts every connection of the unit; returns how many there were.</summary>
    int Abort(string unitId);
}
