mod charts;
fn main(){}
