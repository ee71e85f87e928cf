# tests of this area are registered here
