Console.WriteLine("isocenter");
return 0;
