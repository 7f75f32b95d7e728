-- The roles an API key acts with in its organisation (comma-separated
-- okno.Role values; never admin): an integration such as the regional
-- control centre (ЦУР) answers appeals as an official would.
ALTER TABLE api_keys ADD COLUMN roles TEXT NOT NULL DEFAULT '';
