-- The orders still holding money in escrow, per account: the rewards level
-- leaves their payments out until they are released.
CREATE INDEX orders_open ON orders (account_id) WHERE status IN ('active', 'delivered', 'awaiting_payment');
